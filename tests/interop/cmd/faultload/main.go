// Command faultload runs one row of the fault matrix (scripts/faults): a steady mixed load
// through the broker (auth, log over rpc/http/amqp/grpc, mail), one fault injected and healed
// meanwhile, then a read-back of everything the broker acknowledged with 202 (the logger's
// GET /logs, Mailpit's API). Prints the row of the markdown table; exits 1 when the row fails
// (an acknowledged message lost, a request without an answer by its deadline, or no success
// after the heal). Loopback only.
//
//	go run ./cmd/faultload -row logger-kill -inject 'scripts/services kill logger' \
//	    -heal 'scripts/services start logger' -broker http://127.0.0.1:58080 ...
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"
)

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "  "+format+"\n", args...)
}

// parseMix turns "auth:1,rpc:2" into an interleaved list of kinds.
func parseMix(text string) ([]kind, error) {
	weights := map[kind]int{}
	max := 0
	for _, part := range strings.Split(text, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), ":")
		n, err := strconv.Atoi(w)
		if !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not kind:weight", part)
		}
		known := false
		for _, k := range allKinds {
			known = known || string(k) == name
		}
		if !known {
			return nil, fmt.Errorf("-mix: unknown kind %q (auth rpc http amqp grpc mail)", name)
		}
		weights[kind(name)] = n
		if n > max {
			max = n
		}
	}
	var mix []kind
	for round := 0; round < max; round++ {
		for _, k := range allKinds {
			if weights[k] > round {
				mix = append(mix, k)
			}
		}
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("-mix: no kind with a weight")
	}
	return mix, nil
}

func loopback(u string) bool {
	return strings.HasPrefix(u, "http://127.") || strings.HasPrefix(u, "http://localhost")
}

func main() {
	row := flag.String("row", "", "row name")
	describe := flag.String("describe", "", "the fault in a few words, for the table")
	broker := flag.String("broker", "http://127.0.0.1:58080", "broker base URL")
	logger := flag.String("logger", "http://127.0.0.1:58083", "logger base URL (GET /logs)")
	mailpit := flag.String("mailpit", "http://127.0.0.1:58025", "Mailpit API base URL")
	rate := flag.Float64("rate", 20, "requests per second")
	duration := flag.Duration("duration", 20*time.Second, "load time, at least")
	faultAt := flag.Duration("fault-at", 0, "when to inject (default a quarter of -duration)")
	hold := flag.Duration("hold", 3*time.Second, "how long the fault lasts before the heal")
	after := flag.Duration("after", 3*time.Second, "load time after the heal, at least")
	recoverLimit := flag.Duration("recover-limit", 30*time.Second, "how much longer the load may run while a path has not succeeded since the heal")
	inject := flag.String("inject", "", "shell command that injects the fault")
	heal := flag.String("heal", "", "shell command that heals it and returns once it is ready")
	hole := flag.String("blackhole", "", "comma-separated loopback host:ports to accept and never answer on while the fault lasts")
	deadline := flag.Duration("deadline", 10*time.Second, "each request's deadline")
	settle := flag.Duration("settle", 90*time.Second, "how long to wait for acknowledged messages to be stored (queued paths)")
	mixText := flag.String("mix", "auth:1,rpc:8,http:8,amqp:8,grpc:8,mail:8", "kinds and their weights")
	email := flag.String("email", "admin@example.com", "auth user")
	password := flag.String("password", "verysecret", "auth password")
	header := flag.Bool("header", false, "print the table's header and exit")
	flag.Parse()

	if *header {
		fmt.Println(tableHeader)
		return
	}
	if *row == "" || *rate <= 0 || *duration <= 0 {
		fmt.Fprintln(os.Stderr, "faultload: -row, a positive -rate and -duration are required")
		os.Exit(2)
	}
	for _, u := range []string{*broker, *logger, *mailpit} {
		if !loopback(u) {
			fmt.Fprintf(os.Stderr, "faultload: %s: loopback URLs only\n", u)
			os.Exit(2)
		}
	}
	mix, err := parseMix(*mixText)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faultload:", err)
		os.Exit(2)
	}
	if *faultAt == 0 {
		*faultAt = *duration / 4
	}
	var holes []string
	if *hole != "" {
		holes = strings.Split(*hole, ",")
	}
	f := fault{inject: *inject, heal: *heal, blackhole: holes, hold: *hold}

	// Alphanumeric: a Mailpit subject search and a log name both take it as one word.
	tag := fmt.Sprintf("F%06d%s", rand.Intn(1000000), strings.ReplaceAll(*row, "-", ""))
	l := newLoad(*broker, tag, *deadline, *email, *password)
	v := &verdict{row: *row, fault: *describe}

	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { l.run(*rate, mix, stop); close(done) }()
	time.Sleep(*faultAt)
	t, err := f.apply(l.begin)
	if err != nil {
		v.errors = append(v.errors, err.Error())
		// Heal whatever the failed step left broken, so later rows find the system whole.
		shell("heal", f.heal)
		t.healStart = time.Since(l.begin)
	}
	end := *duration
	if t.healed+*after > end {
		end = t.healed + *after
	}
	time.Sleep(time.Until(l.begin.Add(end)))
	// A path still failing keeps the load going (bounded): the row measures when it recovers.
	for stopBy := time.Now().Add(*recoverLimit); time.Now().Before(stopBy); time.Sleep(250 * time.Millisecond) {
		if len(missingKinds(l.snapshot(), mix, t.healStart)) == 0 {
			break
		}
	}
	close(stop)
	<-done
	outcomes := l.wait()
	logf("load: %d requests in %.1f s; injected at %.1f s, heal began %.1f s, ready %.1f s",
		len(outcomes), time.Since(l.begin).Seconds(), t.injected.Seconds(), t.healStart.Seconds(), t.healed.Seconds())
	if t.held > 0 {
		logf("blackhole held %d connections", t.held)
	}
	tally(v, outcomes, t)
	logf("answers by kind: %s", byKind(outcomes))

	r := newReader(*logger, *mailpit)
	stored := map[kind]map[int]int{}
	settleBy := time.Now().Add(*settle)
	for {
		var readErr error
		for _, k := range allKinds {
			var counts map[int]int
			var err error
			switch {
			case k.logged():
				counts, err = r.logCounts(l.logName(k))
			case k == kindMail:
				counts, err = r.mailCounts(tag)
			default:
				continue
			}
			if err != nil {
				readErr = err
				continue
			}
			stored[k] = counts
		}
		if readErr == nil {
			judge(v, outcomes, stored)
			if v.lost == 0 {
				break
			}
		}
		if time.Now().After(settleBy) {
			if readErr != nil {
				v.errors = append(v.errors, "read-back: "+readErr.Error())
			}
			break
		}
		time.Sleep(time.Second)
	}
	r.forgetMails(tag)
	logf("read-back done in %.1f s", time.Since(settleBy.Add(-*settle)).Seconds())

	for _, e := range v.errors {
		logf("error: %s", e)
	}
	if v.lost > 0 {
		logf("lost (acknowledged, not stored): %s", strings.Join(v.lostDetail, ", "))
	}
	for k, n := range v.dupDetail {
		logf("stored more than once: %d via %s", n, k)
	}
	if v.noAnswer > 0 {
		logf("%d requests got no answer within %s", v.noAnswer, *deadline)
	}
	fmt.Println(v.markdown())
	if !v.passed() {
		os.Exit(1)
	}
}
