package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// fault is the injection of one row: a command that breaks something, an optional blackhole
// standing in for what it stopped, and a command that heals it (and returns once it is ready).
type fault struct {
	inject    string
	heal      string
	blackhole []string
	hold      time.Duration
}

// timings are the moments of a fault, measured from the start of the load.
type timings struct {
	injected  time.Duration // the inject command returned
	healStart time.Duration // the heal command began
	healed    time.Duration // the heal command returned (the thing is ready again)
	held      int           // connections the blackhole swallowed
}

func shell(what, command string) error {
	if command == "" {
		return nil
	}
	cmd := exec.Command("bash", "-c", command)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s command %q: %w", what, command, err)
	}
	return nil
}

// apply runs the fault against the load's clock: inject, hold, heal.
func (f fault) apply(begin time.Time) (timings, error) {
	var t timings
	logf("inject: %s", f.inject)
	if err := shell("inject", f.inject); err != nil {
		return t, err
	}
	var hole *blackhole
	if len(f.blackhole) > 0 {
		var err error
		if hole, err = openBlackhole(f.blackhole); err != nil {
			return t, err
		}
		logf("blackhole listening on %s", strings.Join(f.blackhole, " "))
	}
	t.injected = time.Since(begin)
	time.Sleep(f.hold)
	t.healStart = time.Since(begin)
	if hole != nil {
		t.held = hole.close()
	}
	logf("heal: %s", f.heal)
	if err := shell("heal", f.heal); err != nil {
		return t, err
	}
	t.healed = time.Since(begin)
	return t, nil
}
