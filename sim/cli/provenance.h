/* provenance.h - where an output came from: summary.json's "provenance".
 *
 * One JSON object, written on one line of summary.json (and
 * capacity.json), so that two summaries of the same experiment compare
 * equal once that line is dropped (`grep -v '"provenance"'`):
 *
 *   {"command": ["bpfsim", "run", "x.yaml", "--reps", "5"],
 *    "version": "v0.1.0-3-g1a2b3c4-dirty",      git describe at build time
 *    "build": {"mpi": false, "bpf": true},       how the binary was built
 *    "scenario_sha256": "64 hex digits",         of scenario.resolved.yaml
 *    "host": {"sysname": "Linux", "release": "6.1.0-28-amd64",
 *             "machine": "x86_64", "cpu_model": "..." or null,
 *             "nproc": 2}}
 *
 * "version" is `git describe --tags --always --dirty` of the tree the
 * binary was built from, baked in by the Makefile; outside a git checkout
 * (a release tarball) it is the release version (BPFSIM_VERSION).
 * "build.bpf" says whether `bpfsim calibrate` has its BPF programs (else
 * calibrate/nobpf.c, which says what the build lacked); "build.mpi"
 * whether this is the MPI build.  The host is what uname(2) says (the node name is left out:
 * a result shared in a review need not name the machine), the first
 * "model name" of /proc/cpuinfo (null where there is none, e.g. many
 * arm64 kernels), and the online CPUs.  No time is written: equal runs on
 * one host give equal bytes.  The scenario hash is SHA-256 (sim/sha256.h)
 * of the exact bytes of scenario.resolved.yaml in the same folder.
 *
 * The command line is the process's: prov_set_command() records main()'s
 * argv once, before any subcommand runs (the one write-once global of the
 * command layer besides the signal flag); everything else is computed
 * when asked.
 */
#ifndef BPFSIM_CLI_PROVENANCE_H
#define BPFSIM_CLI_PROVENANCE_H

#include <stddef.h>

/* Remember a copy of argv[0..argc) as typed (before getopt reorders
 * it; out of memory: the part copied).  argv[0] is written as "bpfsim"
 * whatever path ran it. */
void prov_set_command(int argc, char **argv);

/* The provenance object for a folder whose scenario.resolved.yaml is
 * resolved[0..len): malloc'd one-line JSON text, or NULL when out of
 * memory.  The caller frees it. */
char *prov_json(const char *resolved, size_t len);

/* The version string ("version" above). */
const char *prov_version(void);

#endif
