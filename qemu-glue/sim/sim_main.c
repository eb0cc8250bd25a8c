/*
 * pvgpu-sim — plays QEMU's part of vhost-user-gpu with no VM, against our back
 * end or QEMU's reference one:
 *   pvgpu-sim --backend-socket PATH | --backend-exec 'CMD' [--vms N]
 *             [--scanouts M] [--scenario NAME[,NAME...]] [--out DIR]
 *             [--stats-file PATH] [--bench NAME --seconds S --json]
 * With --backend-exec each connection spawns CMD with a connected socket
 * (appended as --fd=N, or substituted for %FD%); %SOCK% in CMD instead makes
 * the back end listen on a fresh path we connect to. In --backend-socket PATH,
 * "%d" is replaced by the VM index (one back end per VM). Each VM runs in its
 * own process with its own guest RAM and connection. --stats-file names the
 * back end's stats file (%d: the VM index; %STATS% in CMD becomes that path).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim_bench.h"
#include "sim_scenario.h"

#define PROG "pvgpu-sim"

struct backend {
	const char *socket_path; /* may contain %d */
	const char *exec_cmd;
	unsigned vm_index;
	pid_t child;
	unsigned crashes;
	char tmp_sock[108];
	char cmd[4096];  /* exec_cmd with %STATS% filled in */
	char stats[512]; /* the stats file of this VM's back end */
};

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " (--backend-socket=PATH | --backend-exec=CMD) [OPTION]...\n"
		"Simulate VMs driving a vhost-user-gpu back end.\n"
		"\n"
		"  --backend-socket=PATH  connect to PATH (%%d: the VM index)\n"
		"  --backend-exec=CMD     spawn CMD per connection (socket as --fd=N or %%FD%%,\n"
		"                         or listening on %%SOCK%%)\n"
		"  --vms=N                simulated VMs at once (default 1)\n"
		"  --first-vm=N           index of the first VM (patterns differ per index)\n"
		"  --scanouts=M           outputs each VM's display reports (default 1)\n"
		"  --resolution=WxH       their mode (default 640x480)\n"
		"  --scenario=LIST        comma-separated: %s (default 2d)\n"
		"  --out=DIR              write the displayed scanouts as PNGs here\n"
		"  --ram=MB               guest RAM per VM (default 64)\n"
		"  --stats-file=PATH      the back end's --stats-file (%%d: the VM index; "
		"%%STATS%%\n"
		"                         in CMD is replaced by it): blob checks zero copies\n"
		"  --bench=NAME           measure instead of test: %s\n"
		"  --seconds=S            how long a --bench runs (default 2)\n"
		"  --json                 print the --bench result as one JSON line\n"
		"  --mem-table            SET_MEM_TABLE even if ADD_MEM_REG is offered\n"
		"  --no-ring-reset-bit    do not ack feature bit 40 (QEMU 10 does)\n"
		"  --timeout-ms=N         per-answer timeout (default 5000)\n"
		"  --help\n"
		"Exit status: 0 all passed, 1 a failure, 77 everything skipped.\n",
		sim_scenario_names(), sim_bench_names());
}

static int
connect_path(const char *path, int tries)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		return -1;
	}
	strcpy(a.sun_path, path);
	for (int i = 0; i < tries; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			return fd;
		}
		close(fd);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Replaces the first `key` in `cmd` by `val` (into out). */
static bool
substitute(char *out, size_t n, const char *cmd, const char *key, const char *val)
{
	const char *at = strstr(cmd, key);
	if (!at) {
		return false;
	}
	snprintf(out, n, "%.*s%s%s", (int)(at - cmd), cmd, val, at + strlen(key));
	return true;
}

/* Reaps the previous back-end process and counts it if it crashed. */
static void
reap(struct backend *be)
{
	if (be->child <= 0) {
		return;
	}
	int status = 0;
	pid_t r = 0;
	for (int i = 0; i < 100 && r == 0; i++) {
		r = waitpid(be->child, &status, WNOHANG);
		if (r == 0) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (r == 0) {
		kill(be->child, SIGTERM);
		waitpid(be->child, &status, 0);
	} else if (r > 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM) {
		fprintf(stderr, PROG ": vm %u: back end CRASHED (signal %d)\n", be->vm_index,
			WTERMSIG(status));
		be->crashes++;
	} else if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		/* After a clean disconnect a back end exits 0; anything else (an
		 * error, a sanitizer report) counts as a failure. */
		fprintf(stderr, PROG ": vm %u: back end exited with status %d\n", be->vm_index,
			WEXITSTATUS(status));
		be->crashes++;
	}
	be->child = 0;
	if (be->tmp_sock[0]) {
		unlink(be->tmp_sock);
		be->tmp_sock[0] = 0;
	}
}

static int
spawn(struct backend *be)
{
	char cmd[4096], fdnum[16];
	int sv[2] = {-1, -1};
	bool by_path = strstr(be->exec_cmd, "%SOCK%") != NULL;
	if (by_path) {
		snprintf(be->tmp_sock, sizeof(be->tmp_sock), "/tmp/pvgpu-sim-%d-%u.sock", getpid(),
			 be->vm_index);
		unlink(be->tmp_sock);
		substitute(cmd, sizeof(cmd), be->exec_cmd, "%SOCK%", be->tmp_sock);
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
			return -1;
		}
		snprintf(fdnum, sizeof(fdnum), "%d", sv[1]);
		if (!substitute(cmd, sizeof(cmd), be->exec_cmd, "%FD%", fdnum)) {
			snprintf(cmd, sizeof(cmd), "%s --fd=%s", be->exec_cmd, fdnum);
		}
	}
	pid_t pid = fork();
	if (pid < 0) {
		return -1;
	}
	if (pid == 0) {
		if (sv[1] >= 0) {
			/* The back end inherits its end of the pair. */
			int flags = 0;
			(void)flags;
			int keep = dup(sv[1]);
			dup2(keep, sv[1]);
			close(keep);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	be->child = pid;
	if (!by_path) {
		close(sv[1]);
		return sv[0];
	}
	return connect_path(be->tmp_sock, 250);
}

static int
do_connect(void *ctx)
{
	struct backend *be = ctx;
	if (be->exec_cmd) {
		reap(be);
		return spawn(be);
	}
	char path[512];
	char idx[16];
	snprintf(idx, sizeof(idx), "%u", be->vm_index);
	if (!substitute(path, sizeof(path), be->socket_path, "%d", idx)) {
		snprintf(path, sizeof(path), "%s", be->socket_path);
	}
	return connect_path(path, 50);
}

/* This VM's stats path (stats with %d filled in) and command (%STATS% filled in). */
static void
setup_stats(struct backend *be, struct sim_run *run, const char *stats)
{
	if (!stats) {
		return;
	}
	char idx[16];
	snprintf(idx, sizeof(idx), "%u", be->vm_index);
	if (!substitute(be->stats, sizeof(be->stats), stats, "%d", idx)) {
		snprintf(be->stats, sizeof(be->stats), "%s", stats);
	}
	run->stats_path = be->stats;
	if (be->exec_cmd &&
	    substitute(be->cmd, sizeof(be->cmd), be->exec_cmd, "%STATS%", be->stats)) {
		be->exec_cmd = be->cmd;
	}
}

/* One VM: every scenario in `list`, in order. */
static int
run_vm(struct sim_run *run, struct backend *be, const char *list)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	int result = SIM_SKIP;
	for (char *save, *name = strtok_r(buf, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		int r = sim_scenario_run(name, run);
		if (r == SIM_FAIL || (r == SIM_PASS && result == SIM_SKIP)) {
			result = r;
		}
		if (result == SIM_FAIL) {
			break;
		}
	}
	reap(be);
	if (be->crashes) {
		result = SIM_FAIL;
	}
	return result;
}

static bool
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-' || v < lo || v > hi) {
		return false;
	}
	*out = (unsigned)v;
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"backend-socket", required_argument, NULL, 's'},
		{"backend-exec", required_argument, NULL, 'e'},
		{"vms", required_argument, NULL, 'n'},
		{"first-vm", required_argument, NULL, 'F'},
		{"scanouts", required_argument, NULL, 'm'},
		{"resolution", required_argument, NULL, 'r'},
		{"scenario", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},
		{"ram", required_argument, NULL, 'R'},
		{"mem-table", no_argument, NULL, 'T'},
		{"no-ring-reset-bit", no_argument, NULL, 'B'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"stats-file", required_argument, NULL, 'S'},
		{"bench", required_argument, NULL, 'b'},
		{"seconds", required_argument, NULL, 'x'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct backend be = {0};
	struct sim_run run = {
		.vm = {.ram_size = 64ull << 20,
		       .scanouts = 1,
		       .width = 640,
		       .height = 480,
		       .ctrl_num = 64,
		       .cursor_num = 16,
		       .ring_reset_bit = true,
		       .timeout_ms = 5000},
		.connect = do_connect,
		.ctx = &be,
	};
	unsigned vms = 1, first_vm = 0, v;
	const char *list = "2d", *stats = NULL, *bench = NULL;
	double seconds = 2;
	bool json = false;
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = true;
		switch (opt) {
		case 's':
			be.socket_path = optarg;
			break;
		case 'e':
			be.exec_cmd = optarg;
			break;
		case 'n':
			ok = parse_uint(optarg, 1, 64, &vms);
			break;
		case 'F':
			ok = parse_uint(optarg, 0, 1000, &first_vm);
			break;
		case 'm':
			ok = parse_uint(optarg, 1, SIM_MAX_SCANOUTS, &run.vm.scanouts);
			break;
		case 'r':
			ok = sscanf(optarg, "%ux%u", &run.vm.width, &run.vm.height) == 2 &&
			     run.vm.width && run.vm.height && run.vm.width <= 8192 &&
			     run.vm.height <= 8192;
			break;
		case 'c':
			list = optarg;
			break;
		case 'o':
			run.out_dir = optarg;
			break;
		case 'R':
			ok = parse_uint(optarg, 8, 65536, &v);
			run.vm.ram_size = (uint64_t)v << 20;
			break;
		case 'T':
			run.vm.mem_table = true;
			break;
		case 'B':
			run.vm.ring_reset_bit = false;
			break;
		case 't':
			ok = parse_uint(optarg, 10, 600000, &v);
			run.vm.timeout_ms = (int)v;
			break;
		case 'S':
			stats = optarg;
			break;
		case 'b':
			bench = optarg;
			break;
		case 'x': {
			char *end;
			seconds = strtod(optarg, &end);
			ok = *optarg && !*end && seconds > 0 && seconds <= 3600;
			break;
		}
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			ok = false;
			break;
		}
		if (!ok) {
			fprintf(stderr, PROG ": bad option '%s'\nTry '" PROG " --help'.\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (!be.socket_path == !be.exec_cmd || optind < argc) {
		fprintf(stderr, PROG ": give one of --backend-socket and --backend-exec\n");
		return 2;
	}
	if (run.out_dir) {
		mkdir(run.out_dir, 0755);
	}
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	/* One process per VM: separate RAM, sockets and back ends, run at once. */
	pid_t pids[64];
	for (unsigned i = 0; i < vms; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror(PROG ": fork");
			return 1;
		}
		if (pids[i] == 0) {
			be.vm_index = run.vm_index = first_vm + i;
			setup_stats(&be, &run, stats);
			int r = bench ? sim_bench_run(bench, &run, seconds, json)
				      : run_vm(&run, &be, list);
			reap(&be);
			if (be.crashes) {
				r = SIM_FAIL;
			}
			fflush(stdout);
			fflush(stderr);
			_exit(r);
		}
	}
	unsigned pass = 0, fail = 0, skip = 0;
	for (unsigned i = 0; i < vms; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : SIM_FAIL;
		pass += code == SIM_PASS;
		skip += code == SIM_SKIP;
		fail += code != SIM_PASS && code != SIM_SKIP;
		if (!WIFEXITED(status)) {
			fprintf(stderr, PROG ": vm %u died (signal %d)\n", i, WTERMSIG(status));
		}
	}
	printf("pvgpu-sim: %u VM(s): %u passed, %u failed, %u skipped\n", vms, pass, fail, skip);
	return fail ? 1 : pass ? 0 : SIM_SKIP;
}
