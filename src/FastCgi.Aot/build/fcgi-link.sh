#!/bin/sh
# FastCgi.Aot's linker wrapper for static executables (see FastCgi.Aot.targets, "glibc's notes").
#
# Runs the linker the NativeAOT targets chose, named in fcgi-link.conf beside this copy, and passes
# its output on unchanged except for glibc's notes about static linking: "Using 'dlopen' in
# statically linked applications requires at runtime the shared libraries from the glibc version
# used for linking", one per function of libc.a that can load a shared library (dlopen, getaddrinfo,
# gethostbyname, getpwuid_r...), with the "in function" line before it. They are expected, the
# package documents what they mean for an empty root, and MSBuild would otherwise report them as
# warnings on every publish (errors under MSBuildTreatWarningsAsErrors). Every other line, warning
# or error, and the linker's exit status are kept.
. "$(dirname "$0")/fcgi-link.conf"
notes="$(mktemp)" || exit 1
"$FCGI_LINKER" "$@" 2>"$notes"
status=$?
awk '
  /: in function [`'"'"'].*'"'"':$/ { if (held != "") print held; held = $0; next }
  /in statically linked applications requires at runtime the shared libraries from the glibc version used for linking/ { held = ""; next }
  { if (held != "") { print held; held = "" } print }
  END { if (held != "") print held }
' "$notes" >&2
rm -f "$notes"
exit $status
