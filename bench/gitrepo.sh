#!/usr/bin/env bash
# Builds a git repository of N commits for measuring `chief import git`
# (internal/delivery/gitrepo) and, with MEASURE=1, times gitrepo.Read on it.
#
#   bench/gitrepo.sh 100000 /tmp/repo100k             # about 9 s on 2 cores
#   MEASURE=1 bench/gitrepo.sh 100000 /tmp/repo100k   # then times Read on it
#
# The Read measurement is TestReadBenchRepo in internal/delivery/gitrepo,
# which runs only when CHIEF_BENCH_GITREPO names a repository:
#
#   CHIEF_BENCH_GITREPO=/tmp/repo100k go test -run TestReadBenchRepo -v ./internal/delivery/gitrepo/
#
# The history is what a team merging pull requests produces: on main, each
# block of 10 commits is 3 direct commits, a side branch of 6 commits forked
# from main and a --no-ff merge of it (so main's first parents are the
# direct commits and the merges). Every 50th commit (a merge) carries an
# annotated tag v0.0.K. Author dates are spread over the two years before
# 2025-01-01 with a few hours of jitter; committer dates follow the author's
# by up to an hour. About one commit in 25 is dependabot's. The repository
# is written with `git fast-import` in one stream, then repacked (REPACK=0
# leaves fast-import's pack as it is) and checked out. The unmerged tail of
# the side branch, when N does not end a block, stays on branch side.
#
# Settings (environment): REPACK (1), MEASURE (0), SEED (1), GOTESTFLAGS
# (extra flags for go test with MEASURE=1).
set -euo pipefail

N=${1:?usage: bench/gitrepo.sh N DIR}
DIR=${2:?usage: bench/gitrepo.sh N DIR}
REPACK=${REPACK:-1}
MEASURE=${MEASURE:-0}
SEED=${SEED:-1}

if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
	echo "bench/gitrepo.sh: $DIR exists and is not empty" >&2
	exit 1
fi

start=$(date +%s.%N)
git init -q -b main "$DIR"
DIR=$(cd "$DIR" && pwd)
git -C "$DIR" config gc.auto 0

awk -v n="$N" -v seed="$SEED" '
function data(s) { printf "data %d\n%s\n", length(s), s }
function person(i,   a) {
	if (i % 25 == 7) return "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
	a = (i * 7 + int(i / 1000)) % 20
	return sprintf("%s <%s@example.com>", names[a], tolower(names[a]))
}
function commit(ref, i, from, merge, title,   t, c, who) {
	t = t0 + int(i * span / n) + int(rand() * 4 * 3600)
	if (t <= last) t = last + 1
	last = t
	c = t + int(rand() * 3600)
	who = person(i)
	printf "commit %s\nmark :%d\n", ref, i
	printf "author %s %d +0200\n", who, t
	printf "committer %s %d +0200\n", who, c
	data(title "\n\nBody of change " i ".\n")
	if (from != "") printf "from %s\n", from
	if (merge != "") printf "merge %s\n", merge
	printf "M 100644 inline src/file%d.txt\n", i % 50
	data("content " i)
	tip[i] = c
}
BEGIN {
	srand(seed)
	split("Ada Grace Linus Ken Barbara Margaret Dennis Edsger Donald Frances Alan Radia Niklaus Leslie Sophie John Hedy Katherine Guido Rob", names, " ")
	t0 = 1672531200          # 2023-01-01
	span = 2 * 365 * 86400   # two years
	main = ""; side = ""
	for (i = 1; i <= n; i++) {
		k = i % 10
		if (k >= 1 && k <= 3 || i == 1) {
			commit("refs/heads/main", i, main, "", "Change " i " on main")
			main = ":" i
		} else if (k >= 4 && k <= 9) {
			commit("refs/heads/side", i, (k == 4 ? main : side), "", "Feature work " i)
			side = ":" i
		} else {
			if (side == "") { commit("refs/heads/main", i, main, "", "Change " i " on main") }
			else { commit("refs/heads/main", i, main, side, "Merge pull request #" int(i / 10) " from team/feature-" int(i / 10)) }
			main = ":" i
			side = ""
			if (i % 50 == 0) {
				printf "tag v0.0.%d\nfrom :%d\n", i / 50, i
				printf "tagger Release Bot <release@example.com> %d +0000\n", tip[i] + 600
				data("Release v0.0." i / 50 "\n")
			}
		}
	}
}' | git -C "$DIR" fast-import --quiet

if [ "$REPACK" = 1 ]; then
	git -C "$DIR" repack -a -d -q
	git -C "$DIR" prune-packed
fi
git -C "$DIR" checkout -q -f main
git -C "$DIR" branch -q -d side 2>/dev/null || true # kept when it holds unmerged work
made=$(date +%s.%N)

commits=$(git -C "$DIR" rev-list --count main)
tags=$(git -C "$DIR" tag -l | wc -l)
printf 'built %s: %s commits on main, %s tags, %s, in %.1f s\n' \
	"$DIR" "$commits" "$tags" "$(du -sh "$DIR/.git" | cut -f1)" "$(echo "$made - $start" | bc)"

if [ "$MEASURE" = 1 ]; then
	cd "$(dirname "$0")/.."
	# shellcheck disable=SC2086 # GOTESTFLAGS is a list of flags
	CHIEF_BENCH_GITREPO=$DIR go test ${GOTESTFLAGS:-} -count=1 -run 'TestReadBenchRepo' -v ./internal/delivery/gitrepo/ |
		grep -E '^(--- |\s+bench_test|ok|FAIL)'
fi
