/* pvgpu tests — process helpers of the guest winsys tests (see test_guest.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_guest.h"

pid_t
test_spawn(const char *const *argv, const char *log_path)
{
	pid_t pid = fork();
	if (pid != 0) {
		return pid;
	}
	if (log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
	}
	execvp(argv[0], (char *const *)argv);
	perror(argv[0]);
	_exit(127);
}

void
test_stop(pid_t pid)
{
	if (pid <= 0) {
		return;
	}
	int status;
	kill(pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			return;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

int
test_vtest_connect(const char *path, struct gd_winsys **out)
{
	int ret = -ENOTCONN;
	for (int i = 0; i < 500 && ret == -ENOTCONN; i++) {
		ret = gd_winsys_vtest_create(path, "test-guest", out);
		if (ret == -ENOTCONN) {
			usleep(10000);
		}
	}
	return ret;
}
