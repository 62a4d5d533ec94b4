package deploy

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

var (
	services     = []string{"broker", "auth", "logger", "mail", "listener", "frontend"}
	autoscaled   = []string{"broker", "logger", "listener"}
	stateful     = []string{"postgres", "mongodb", "rabbitmq"}
	publicFacing = []string{"broker", "frontend"}
)

// workload is a Deployment or a StatefulSet, seen through what the rules look at.
type workload struct {
	kind, name string
	labels     map[string]string
	pod        corev1.PodSpec
}

func (o *objects) workloads() []workload {
	var w []workload
	for _, d := range o.deployments {
		w = append(w, workload{"Deployment", d.Name, d.Spec.Template.Labels, d.Spec.Template.Spec})
	}
	for _, s := range o.statefulSets {
		w = append(w, workload{"StatefulSet", s.Name, s.Spec.Template.Labels, s.Spec.Template.Spec})
	}
	return w
}

func TestEveryServiceIsADeployment(t *testing.T) {
	o := rendered(t)
	var names []string
	for _, d := range o.deployments {
		names = append(names, d.Name)
	}
	for _, s := range services {
		if !slices.Contains(names, s) {
			t.Errorf("no Deployment %s", s)
		}
	}
	for _, d := range o.deployments {
		if got := d.Spec.Selector.MatchLabels; !labels.SelectorFromSet(got).Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("Deployment %s: selector %v does not select its own pods %v", d.Name, got, d.Spec.Template.Labels)
		}
	}
}

func TestProbes(t *testing.T) {
	o := rendered(t)
	for _, w := range o.workloads() {
		for _, c := range w.pod.Containers {
			where := w.kind + " " + w.name + "/" + c.Name
			if c.StartupProbe == nil || c.ReadinessProbe == nil || c.LivenessProbe == nil {
				t.Errorf("%s: wants startup, readiness and liveness probes", where)
				continue
			}
			if w.kind != "Deployment" || !slices.Contains(services, w.name) {
				continue // the servers' own probes (Prometheus: /-/ready, /-/healthy)
			}
			// Our services: alive is /healthz, ready (dependencies reachable, not draining) is /readyz.
			check := func(kind string, p *corev1.Probe, path string) {
				if p.HTTPGet == nil || p.HTTPGet.Path != path {
					t.Errorf("%s: %s probe wants GET %s", where, kind, path)
				}
			}
			check("startup", c.StartupProbe, "/healthz")
			check("readiness", c.ReadinessProbe, "/readyz")
			check("liveness", c.LivenessProbe, "/healthz")
		}
	}
}

func TestResources(t *testing.T) {
	o := rendered(t)
	for _, w := range o.workloads() {
		for _, c := range w.pod.Containers {
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, hasReq := c.Resources.Requests[r]
				lim, hasLim := c.Resources.Limits[r]
				if !hasReq || !hasLim {
					t.Errorf("%s %s/%s: wants a %s request and limit", w.kind, w.name, c.Name, r)
					continue
				}
				if req.Cmp(lim) > 0 {
					t.Errorf("%s %s/%s: %s request %s above limit %s", w.kind, w.name, c.Name, r, req.String(), lim.String())
				}
			}
		}
	}
}

func TestSecurityContext(t *testing.T) {
	o := rendered(t)
	for _, w := range o.workloads() {
		psc := w.pod.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
			t.Errorf("%s %s: pod wants runAsNonRoot: true", w.kind, w.name)
		}
		if psc != nil && (psc.RunAsUser == nil || *psc.RunAsUser == 0) {
			t.Errorf("%s %s: pod wants a non-zero runAsUser", w.kind, w.name)
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s %s: pod wants seccompProfile RuntimeDefault", w.kind, w.name)
		}
		if w.pod.AutomountServiceAccountToken == nil || *w.pod.AutomountServiceAccountToken {
			t.Errorf("%s %s: wants automountServiceAccountToken: false (nothing here talks to the API)", w.kind, w.name)
		}
		for _, c := range w.pod.Containers {
			sc := c.SecurityContext
			where := w.kind + " " + w.name + "/" + c.Name
			switch {
			case sc == nil:
				t.Errorf("%s: no securityContext", where)
				continue
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Errorf("%s: wants allowPrivilegeEscalation: false", where)
			case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
				t.Errorf("%s: wants readOnlyRootFilesystem: true", where)
			case sc.Privileged != nil && *sc.Privileged:
				t.Errorf("%s: privileged", where)
			case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0:
				t.Errorf("%s: wants capabilities drop [ALL] and nothing added", where)
			}
		}
	}
}

func TestTerminationGraceExceedsDrainGrace(t *testing.T) {
	o := rendered(t)
	var drain time.Duration
	for _, cm := range o.configMaps {
		if v, ok := cm.Data["DRAIN_GRACE"]; ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				t.Fatalf("ConfigMap %s: DRAIN_GRACE %q: %v", cm.Name, v, err)
			}
			drain = max(drain, d)
		}
	}
	if drain == 0 {
		t.Fatal("no DRAIN_GRACE in any ConfigMap")
	}
	for _, d := range o.deployments {
		g := d.Spec.Template.Spec.TerminationGracePeriodSeconds
		var preStop time.Duration
		for _, c := range d.Spec.Template.Spec.Containers {
			if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
				preStop = max(preStop, time.Duration(c.Lifecycle.PreStop.Sleep.Seconds)*time.Second)
			}
		}
		if g == nil || time.Duration(*g)*time.Second <= drain+preStop {
			t.Errorf("Deployment %s: terminationGracePeriodSeconds %v must exceed DRAIN_GRACE %v + preStop %v",
				d.Name, g, drain, preStop)
		}
	}
}

func TestConfig(t *testing.T) {
	o := rendered(t)
	cm := map[string]string{}
	for _, c := range o.configMaps {
		if c.Name == "ms-config" {
			cm = c.Data
		}
	}
	if cm["TRACE_SAMPLE_RATIO"] != "0.01" {
		t.Errorf("ms-config TRACE_SAMPLE_RATIO = %q, want 0.01", cm["TRACE_SAMPLE_RATIO"])
	}
	// Every reference to a ConfigMap or Secret key resolves.
	secretKeys := map[string]map[string]bool{}
	for _, s := range o.secrets {
		secretKeys[s.Name] = map[string]bool{}
		for k := range s.Data {
			secretKeys[s.Name][k] = true
		}
		for k := range s.StringData {
			secretKeys[s.Name][k] = true
		}
	}
	configMaps := map[string]bool{}
	for _, c := range o.configMaps {
		configMaps[c.Name] = true
	}
	for _, w := range o.workloads() {
		for _, c := range w.pod.Containers {
			for _, e := range c.EnvFrom {
				if e.ConfigMapRef != nil && !configMaps[e.ConfigMapRef.Name] {
					t.Errorf("%s %s: envFrom unknown ConfigMap %s", w.kind, w.name, e.ConfigMapRef.Name)
				}
			}
			for _, e := range c.Env {
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					if strings.Contains(strings.ToLower(e.Name), "password") || e.Name == "INTERNAL_TOKEN" || e.Name == "DOWNSTREAM_TOKEN" {
						t.Errorf("%s %s: %s must come from a Secret", w.kind, w.name, e.Name)
					}
					continue
				}
				ref := e.ValueFrom.SecretKeyRef
				if !secretKeys[ref.Name][ref.Key] {
					t.Errorf("%s %s: %s from unknown secret key %s/%s", w.kind, w.name, e.Name, ref.Name, ref.Key)
				}
			}
		}
	}
}

func TestServicesSelectWorkloads(t *testing.T) {
	o := rendered(t)
	for _, s := range o.services {
		if len(s.Spec.Selector) == 0 {
			t.Errorf("Service %s: no selector", s.Name)
			continue
		}
		sel := labels.SelectorFromSet(s.Spec.Selector)
		matched := false
		for _, w := range o.workloads() {
			if !sel.Matches(labels.Set(w.labels)) {
				continue
			}
			matched = true
			// Every port's target is a container port of the workload (by name or number).
			for _, p := range s.Spec.Ports {
				found := false
				for _, c := range w.pod.Containers {
					for _, cp := range c.Ports {
						if (p.TargetPort.StrVal != "" && cp.Name == p.TargetPort.StrVal) ||
							(p.TargetPort.StrVal == "" && cp.ContainerPort == p.TargetPort.IntVal) {
							found = true
						}
					}
				}
				if !found {
					t.Errorf("Service %s port %s: target %s is no container port of %s %s",
						s.Name, p.Name, p.TargetPort.String(), w.kind, w.name)
				}
			}
		}
		if !matched {
			t.Errorf("Service %s: selector %v selects no Deployment or StatefulSet", s.Name, s.Spec.Selector)
		}
	}
}

func TestAutoscalersAndBudgets(t *testing.T) {
	o := rendered(t)
	deployments := map[string]bool{}
	for _, d := range o.deployments {
		deployments[d.Name] = true
	}
	scaled := map[string]bool{}
	for _, h := range o.hpas {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || !deployments[ref.Name] {
			t.Errorf("HPA %s: target %s/%s is no Deployment here", h.Name, ref.Kind, ref.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: wants minReplicas >= 2 and maxReplicas >= minReplicas", h.Name)
		}
		scaled[ref.Name] = true
	}
	for _, s := range autoscaled {
		if !scaled[s] {
			t.Errorf("no HorizontalPodAutoscaler for %s", s)
		}
	}
	for _, d := range o.deployments {
		if scaled[d.Name] && d.Spec.Replicas != nil {
			t.Errorf("Deployment %s: replicas is set although an HPA owns the count", d.Name)
		}
		if !slices.Contains(services, d.Name) {
			// A single replica (Prometheus): a budget of minAvailable 1 would block every
			// node drain, and one that allows the eviction protects nothing.
			continue
		}
		covered := false
		for _, p := range o.pdbs {
			sel := labels.SelectorFromSet(p.Spec.Selector.MatchLabels)
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				covered = true
			}
		}
		if !covered {
			t.Errorf("Deployment %s: no PodDisruptionBudget", d.Name)
		}
	}
}

func TestStatefulSetsKeepData(t *testing.T) {
	o := rendered(t)
	have := map[string]bool{}
	for _, s := range o.statefulSets {
		have[s.Name] = true
		if len(s.Spec.VolumeClaimTemplates) == 0 {
			t.Errorf("StatefulSet %s: no volumeClaimTemplates", s.Name)
		}
		for _, vct := range s.Spec.VolumeClaimTemplates {
			mounted := false
			for _, c := range s.Spec.Template.Spec.Containers {
				for _, m := range c.VolumeMounts {
					mounted = mounted || m.Name == vct.Name
				}
			}
			if !mounted {
				t.Errorf("StatefulSet %s: claim %s is mounted nowhere", s.Name, vct.Name)
			}
		}
	}
	for _, s := range stateful {
		if !have[s] {
			t.Errorf("no StatefulSet %s", s)
		}
	}
}

func TestIngress(t *testing.T) {
	o := rendered(t)
	backends := map[string]string{} // path -> service
	for _, ing := range o.ingresses {
		for _, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				if p.Backend.Service != nil {
					backends[p.Path] = p.Backend.Service.Name
				}
			}
		}
	}
	if backends["/"] != "frontend" {
		t.Errorf("Ingress: / goes to %q, want frontend", backends["/"])
	}
	api := ""
	for path, svc := range backends {
		if strings.HasPrefix(path, "/api") {
			api = svc
		}
	}
	if api != "broker" {
		t.Errorf("Ingress: /api goes to %q, want broker", api)
	}
}

func TestNetworkPolicies(t *testing.T) {
	o := rendered(t)
	denyAll := false
	for _, p := range o.policies {
		if len(p.Spec.PodSelector.MatchLabels) == 0 && len(p.Spec.PodSelector.MatchExpressions) == 0 &&
			len(p.Spec.Ingress) == 0 && slices.Contains(p.Spec.PolicyTypes, "Ingress") {
			denyAll = true
		}
	}
	if !denyAll {
		t.Error("no default-deny ingress NetworkPolicy")
	}
	for _, w := range o.workloads() {
		selected, open := false, false
		for _, p := range o.policies {
			sel := labels.SelectorFromSet(p.Spec.PodSelector.MatchLabels)
			if len(p.Spec.PodSelector.MatchLabels) == 0 || !sel.Matches(labels.Set(w.labels)) {
				continue
			}
			selected = true
			for _, rule := range p.Spec.Ingress {
				if len(rule.From) == 0 {
					open = true // any source
				}
				for _, peer := range rule.From {
					if peer.IPBlock != nil {
						open = true
					}
				}
			}
		}
		if !selected {
			t.Errorf("%s %s: no NetworkPolicy of its own", w.kind, w.name)
		}
		if open != slices.Contains(publicFacing, w.name) {
			t.Errorf("%s %s: reachable from anywhere = %v; only %v may be", w.kind, w.name, open, publicFacing)
		}
	}
}
