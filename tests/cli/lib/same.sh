# same.sh - sourced by CLI tests (not a test itself: run-tests.sh runs
# tests/cli/*.sh only).
#
# same_output A B: files A and B hold the same output.  Byte for byte, except
# that the "provenance" line of a JSON file (summary.json, capacity.json,
# --format json: one line, sim/cli/provenance.h) is left out on both
# sides: it names the command line and the host, which legitimately
# differ between a run, its resume, its merge and its re-run.  Anything
# else on that line would be a bug the schema test (schema.sh) catches:
# it checks the line holds only the provenance object.  Both files must
# exist.
same_output() {
	[ -f "$1" ] && [ -f "$2" ] || return 1
	case $1 in
	*.json|*.stdout|*.out)
		[ "$(grep -v '^  "provenance": ' "$1" | sha256sum)" = \
		  "$(grep -v '^  "provenance": ' "$2" | sha256sum)" ] ;;
	*) cmp -s "$1" "$2" ;;
	esac
}
