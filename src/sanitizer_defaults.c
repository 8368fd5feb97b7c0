/* Linked into the stepdown binary of the Sanitize build only.
 * LeakSanitizer stops the world through a helper that must ptrace the
 * process; after stepdown drops its credentials it is no longer dumpable, so
 * LSan would fail with a fatal error at exit. ASan and UBSan stay fully on.
 * (Options from the environment are ignored for a setuid/setgid process,
 * which the tests run too, hence a compiled-in default.) */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}

const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}
