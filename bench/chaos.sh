#!/usr/bin/env bash
# The chaos run of docs/reliability.md outside the suite: LeadSync through its real composition against the sandbox,
# rounds of world changes with 429/503/truncated-body/lost-response faults and a kill point per round, compared with a
# fault-free run of the same seed. Prints the figures (faults by kind, lost updates, duplicates, quarantine).
#   bench/chaos.sh                      # 2,000 people, 8 rounds, seed 42 (what the suite runs)
#   PEOPLE=10000 ROUNDS=10 SEED=7 bench/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADSYNC_CHAOS_PEOPLE="${PEOPLE:-2000}" LEADSYNC_CHAOS_ROUNDS="${ROUNDS:-8}" LEADSYNC_CHAOS_SEED="${SEED:-42}"
dotnet build tests/LeadSync.Worker.Tests -c Release -nologo -v q
dotnet test tests/LeadSync.Worker.Tests -c Release --no-build --filter "FullyQualifiedName~ChaosTests" \
  --logger "console;verbosity=detailed" | grep -E "^\s+(chaos|requests|lost updates|reference|  )|Passed|Failed" 
