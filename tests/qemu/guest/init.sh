#!/bin/sh
# /init of the qemu suite's initramfs (busybox). Kernel command line:
#   pvgpu.run=PAYLOAD[:ARG[:ARG]]   pattern:FLIPS:OUTPUTS | gears:FRAMES | kmscube:FRAMES
# Prints PVGPU-* lines on the serial console (see guest/kms.h), the kernel log as
# PVGPU-DMESG lines, and powers the VM off.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "PVGPU-BOOT init uptime=$(cut -d' ' -f1 /proc/uptime)"
for m in $(cat /modules/order); do
	insmod "/modules/$m" || echo "PVGPU-BOOT insmod $m failed"
done
i=0
while [ ! -e /dev/dri/card0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "PVGPU-BOOT card0=$([ -e /dev/dri/card0 ] && echo yes || echo no) uptime=$(cut -d' ' -f1 /proc/uptime)"
RUN=pattern
for a in $(cat /proc/cmdline); do
	case "$a" in pvgpu.run=*) RUN=${a#pvgpu.run=} ;; esac
done
P=$(echo "$RUN" | cut -d: -f1)
A1=$(echo "$RUN" | cut -s -d: -f2)
A2=$(echo "$RUN" | cut -s -d: -f3)
echo "PVGPU-RUN $P uptime=$(cut -d' ' -f1 /proc/uptime)"
case "$P" in
pattern) pvgpu-qemu-pattern ${A1:-30} ${A2:-0} ;;
gears) pvgpu-gears-kms ${A1:-30} $A2 ;;
kmscube)
	if [ -x /usr/bin/kmscube ]; then
		kmscube -c "${A1:-120}" > /tmp/kmscube.log 2>&1
		rc=$?
		sed 's/^/PVGPU-KMSCUBE /' /tmp/kmscube.log | grep -vE 'extensions:' | head -40
		fps=$(sed -n 's/^Rendered .*(\([0-9.]*\) fps)/\1/p' /tmp/kmscube.log)
		if [ $rc = 0 ] && [ -n "$fps" ]; then
			echo "PVGPU-RESULT kmscube PASS frames=${A1:-120} fps=$fps"
		else
			echo "PVGPU-RESULT kmscube FAIL rc=$rc"
		fi
	else
		echo "PVGPU-RESULT kmscube FAIL reason=not-in-initramfs"
	fi
	;;
*) echo "PVGPU-RESULT $P FAIL reason=unknown-payload" ;;
esac
echo "PVGPU-RUN end uptime=$(cut -d' ' -f1 /proc/uptime)"
dmesg | sed 's/^/PVGPU-DMESG /'
echo "PVGPU-DONE"
sync
poweroff -f
