/* The smallest possible workload, for bench/startup.sh's peak-RSS table:
 * exits 0 at once, with no C library, so a peak RSS measured over an
 * entrypoint and its workload is the entrypoint's own (about 10 KiB here,
 * against about 1 MiB for the dynamically linked /usr/bin/true).
 * Built with: cc -static -nostdlib -O2 -o nop nop.c (x86-64, aarch64). */
void _start(void)
{
#if defined(__x86_64__)
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
#elif defined(__aarch64__)
	__asm__ volatile("mov x8, #93\n\tmov x0, #0\n\tsvc #0");
#else
#error "nop.c: add the exit system call for this architecture"
#endif
	for (;;)
		;
}
