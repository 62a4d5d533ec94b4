package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// verdict is one row of the fault table.
type verdict struct {
	row, fault       string
	sent, answered   int
	statuses         map[string]int
	noAnswer         int
	acked, once, dup int
	lost             int
	storedUnacked    int
	recovery         time.Duration
	recovered        bool
	unrecoveredKinds []string
	errors           []string
	lostDetail       []string
	dupDetail        map[kind]int
}

func (v *verdict) passed() bool {
	return v.noAnswer == 0 && v.lost == 0 && v.recovered && len(v.errors) == 0
}

// tally counts answers and finds the recovery: for every kind sent after the heal began, the
// first success answered after that moment; the row has recovered when all kinds have one.
func tally(v *verdict, outcomes []outcome, t timings) {
	v.statuses = map[string]int{}
	first := map[kind]time.Duration{}
	sentAfter := map[kind]bool{}
	for _, o := range outcomes {
		v.sent++
		v.statuses[o.label()]++
		if o.status != 0 {
			v.answered++
		}
		if o.failure == "no answer" {
			v.noAnswer++
		}
		if o.sent < t.healStart {
			continue
		}
		sentAfter[o.kind] = true
		if o.status >= 200 && o.status < 300 {
			if f, ok := first[o.kind]; !ok || o.answered < f {
				first[o.kind] = o.answered
			}
		}
	}
	v.recovered = true
	for k := range sentAfter {
		f, ok := first[k]
		if !ok {
			v.recovered = false
			v.unrecoveredKinds = append(v.unrecoveredKinds, string(k))
			continue
		}
		if d := f - t.healStart; d > v.recovery {
			v.recovery = d
		}
	}
	sort.Strings(v.unrecoveredKinds)
}

// judge compares what was acknowledged with what is stored.
func judge(v *verdict, outcomes []outcome, stored map[kind]map[int]int) {
	v.once, v.dup, v.lost, v.storedUnacked, v.acked = 0, 0, 0, 0, 0
	v.lostDetail = nil
	v.dupDetail = map[kind]int{}
	for _, o := range outcomes {
		if !o.kind.stores() {
			continue
		}
		n := stored[o.kind][o.seq]
		if !o.acked() {
			if n > 0 {
				v.storedUnacked++
			}
			continue
		}
		v.acked++
		switch {
		case n == 0:
			v.lost++
			if len(v.lostDetail) < 10 {
				v.lostDetail = append(v.lostDetail, fmt.Sprintf("%s #%d", o.kind, o.seq))
			}
		case n == 1:
			v.once++
		default:
			v.dup++
			v.dupDetail[o.kind]++
		}
	}
}

func (v *verdict) statusText() string {
	keys := make([]string, 0, len(v.statuses))
	for k := range v.statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, v.statuses[k]))
	}
	return strings.Join(parts, " ")
}

func (v *verdict) markdown() string {
	recovery := fmt.Sprintf("%.1f s", v.recovery.Seconds())
	if !v.recovered {
		recovery = "never (" + strings.Join(v.unrecoveredKinds, ",") + ")"
	}
	result := "pass"
	if !v.passed() {
		result = "FAIL"
	}
	return fmt.Sprintf("| %s | %s | %d | %d | %s | %d | %d | %d | %d | %d | %d | %s | %s |",
		v.row, v.fault, v.sent, v.answered, v.statusText(), v.noAnswer, v.acked, v.once, v.dup,
		v.lost, v.storedUnacked, recovery, result)
}

const tableHeader = "| row | fault | sent | answered | answers | no answer | acked | stored once | stored twice+ | lost | stored, not acked | recovered after | result |\n" +
	"|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"

// byKind: the answers of each kind, for the details under a row.
func byKind(outcomes []outcome) string {
	counts := map[kind]map[string]int{}
	for _, o := range outcomes {
		if counts[o.kind] == nil {
			counts[o.kind] = map[string]int{}
		}
		counts[o.kind][o.label()]++
	}
	var parts []string
	for _, k := range allKinds {
		if c, ok := counts[k]; ok {
			v := verdict{statuses: c}
			parts = append(parts, string(k)+": "+v.statusText())
		}
	}
	return strings.Join(parts, "; ")
}
