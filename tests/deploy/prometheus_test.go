package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// TestPrometheusConfigMapIsTheDeployFile: Kubernetes gets deploy/prometheus's files unchanged
// (the same ones compose bakes into its image and scripts/servers renders locally).
func TestPrometheusConfigMapIsTheDeployFile(t *testing.T) {
	o := rendered(t)
	want := map[string]string{
		"prometheus.yml": "prometheus.yml",
		"recording.yml":  filepath.Join("rules", "recording.yml"),
		"alerts.yml":     filepath.Join("rules", "alerts.yml"),
	}
	for _, cm := range o.configMaps {
		if cm.Name != "prometheus-config" {
			continue
		}
		for key, file := range want {
			data, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "prometheus", file))
			if err != nil {
				t.Fatal(err)
			}
			if cm.Data[key] != string(data) {
				t.Errorf("ConfigMap prometheus-config: %s differs from deploy/prometheus/%s", key, file)
			}
		}
		if len(cm.Data) != len(want) {
			t.Errorf("ConfigMap prometheus-config has keys %v, want %v", keys(cm.Data), want)
		}
		return
	}
	t.Fatal("no ConfigMap prometheus-config in the overlay")
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// promConfig is what these tests read of deploy/prometheus/prometheus.yml.
type promConfig struct {
	RuleFiles     []string `json:"rule_files"`
	ScrapeConfigs []struct {
		JobName      string `json:"job_name"`
		DNSSDConfigs []struct {
			Names []string `json:"names"`
			Type  string   `json:"type"`
			Port  int32    `json:"port"`
		} `json:"dns_sd_configs"`
	} `json:"scrape_configs"`
}

// scrapeTarget is one scrape job: the service it is named after, the DNS name and the port.
type scrapeTarget struct {
	job, name string
	port      int32
}

func prometheusConfig(t *testing.T) (promConfig, []scrapeTarget) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "prometheus", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c promConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	var targets []scrapeTarget
	for _, j := range c.ScrapeConfigs {
		if len(j.DNSSDConfigs) != 1 || len(j.DNSSDConfigs[0].Names) != 1 || j.DNSSDConfigs[0].Type != "A" {
			t.Errorf("job %s: wants one dns_sd_config of type A with one name", j.JobName)
			continue
		}
		targets = append(targets, scrapeTarget{j.JobName, j.DNSSDConfigs[0].Names[0], j.DNSSDConfigs[0].Port})
	}
	for _, s := range services {
		if !slices.ContainsFunc(targets, func(x scrapeTarget) bool { return x.job == s }) {
			t.Errorf("prometheus.yml: no scrape job %s", s)
		}
	}
	return c, targets
}

func (o *objects) deployment(name string) *appsv1.Deployment {
	for i := range o.deployments {
		if o.deployments[i].Name == name {
			return &o.deployments[i]
		}
	}
	return nil
}

// TestPrometheusFindsEveryPod: each job's DNS name is a headless Service selecting exactly
// the job's Deployment (so DNS answers every pod), the pods listen on the job's port (DNS
// A records lead straight to the pod: no Service port mapping applies), and a NetworkPolicy
// of those pods admits the Prometheus pod on that port.
func TestPrometheusFindsEveryPod(t *testing.T) {
	o := rendered(t)
	_, targets := prometheusConfig(t)
	prom := o.deployment("prometheus")
	if prom == nil {
		t.Fatal("no Deployment prometheus")
	}
	promPod := labels.Set(prom.Spec.Template.Labels)
	for _, target := range targets {
		var svc *corev1.Service
		for i := range o.services {
			if o.services[i].Name == target.name {
				svc = &o.services[i]
			}
		}
		if svc == nil {
			t.Errorf("job %s: no Service %s", target.job, target.name)
			continue
		}
		if svc.Spec.ClusterIP != corev1.ClusterIPNone {
			t.Errorf("Service %s: clusterIP %q, want None (DNS must answer every pod)", svc.Name, svc.Spec.ClusterIP)
		}
		if !svc.Spec.PublishNotReadyAddresses {
			t.Errorf("Service %s: a pod that is not ready must still be scraped (publishNotReadyAddresses)", svc.Name)
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		for _, w := range o.workloads() {
			if sel.Matches(labels.Set(w.labels)) && w.name != target.job {
				t.Errorf("Service %s also selects %s %s, whose metrics would land in job %s", svc.Name, w.kind, w.name, target.job)
			}
		}
		d := o.deployment(target.job)
		if d == nil {
			t.Errorf("job %s: no Deployment %s", target.job, target.job)
			continue
		}
		if !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("Service %s does not select the pods of Deployment %s", svc.Name, d.Name)
		}
		listens := false
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, p := range c.Ports {
				listens = listens || p.ContainerPort == target.port
			}
		}
		if !listens {
			t.Errorf("job %s scrapes port %d, which no container of Deployment %s declares", target.job, target.port, d.Name)
		}
		admitted := false
		for _, p := range o.policies {
			if !labels.SelectorFromSet(p.Spec.PodSelector.MatchLabels).Matches(labels.Set(d.Spec.Template.Labels)) {
				continue
			}
			for _, rule := range p.Spec.Ingress {
				portOK := len(rule.Ports) == 0
				for _, rp := range rule.Ports {
					portOK = portOK || (rp.Port != nil && rp.Port.IntVal == target.port)
				}
				for _, peer := range rule.From {
					if peer.PodSelector != nil && peer.NamespaceSelector == nil &&
						labels.SelectorFromSet(peer.PodSelector.MatchLabels).Matches(promPod) && portOK {
						admitted = true
					}
				}
				if len(rule.From) == 0 && portOK {
					admitted = true // open to all (the public services)
				}
			}
		}
		if !admitted {
			t.Errorf("no NetworkPolicy admits the Prometheus pod to %s on %d", d.Name, target.port)
		}
	}
}

// TestPrometheusDeployment: compose's image, the ConfigMap mounted where --config.file
// points with the rule files where rule_files finds them, a writable data directory, a
// Service on 9090.
func TestPrometheusDeployment(t *testing.T) {
	o := rendered(t)
	cfg, _ := prometheusConfig(t)
	d := o.deployment("prometheus")
	if d == nil {
		t.Fatal("no Deployment prometheus")
	}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("Deployment prometheus: %d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !strings.HasPrefix(c.Image, "microservices/prometheus:") {
		t.Errorf("Deployment prometheus: image %s, want compose's microservices/prometheus", c.Image)
	}
	flag := func(name string) string {
		for _, a := range append(slices.Clone(c.Command), c.Args...) {
			if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
				return v
			}
		}
		t.Errorf("Deployment prometheus: no --%s", name)
		return ""
	}
	configFile, dataDir := flag("config.file"), flag("storage.tsdb.path")
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	mountedConfig, mountedData := false, false
	for _, m := range c.VolumeMounts {
		v := volumes[m.Name]
		switch {
		case m.MountPath == filepath.Dir(configFile) && v.ConfigMap != nil:
			if v.ConfigMap.Name != "prometheus-config" {
				t.Errorf("config volume: ConfigMap %s, want prometheus-config", v.ConfigMap.Name)
			}
			mountedConfig = true
			paths := map[string]string{}
			for _, it := range v.ConfigMap.Items {
				paths[it.Key] = it.Path
			}
			if paths["prometheus.yml"] != filepath.Base(configFile) {
				t.Errorf("key prometheus.yml mounted as %q, --config.file wants %q", paths["prometheus.yml"], filepath.Base(configFile))
			}
			for _, key := range []string{"recording.yml", "alerts.yml"} {
				found := false
				for _, glob := range cfg.RuleFiles {
					ok, _ := filepath.Match(glob, paths[key])
					found = found || ok
				}
				if !found {
					t.Errorf("rule file %s mounted as %q, which rule_files %v does not match", key, paths[key], cfg.RuleFiles)
				}
			}
		case m.MountPath == dataDir:
			mountedData = !m.ReadOnly
		}
	}
	if !mountedConfig {
		t.Errorf("Deployment prometheus: no ConfigMap mounted at %s", filepath.Dir(configFile))
	}
	if !mountedData {
		t.Errorf("Deployment prometheus: no writable volume at %s (the root filesystem is read-only)", dataDir)
	}
	served := false
	for _, s := range o.services {
		if s.Name == "prometheus" && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
			for _, p := range s.Spec.Ports {
				served = served || p.Port == 9090
			}
		}
	}
	if !served {
		t.Error("no Service prometheus on 9090 selecting the Deployment")
	}
}

// TestComposeAliasesEveryScrapeName: in compose the same DNS names are network aliases of
// the services the jobs are named after (Docker's DNS answers an alias with every replica).
func TestComposeAliasesEveryScrapeName(t *testing.T) {
	_, targets := prometheusConfig(t)
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Networks map[string]struct {
				Aliases []string `json:"aliases"`
			} `json:"networks"`
		} `json:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, target := range targets {
		s, ok := compose.Services[target.job]
		if !ok {
			t.Errorf("compose.yaml: no service %s", target.job)
			continue
		}
		if !slices.Contains(s.Networks["default"].Aliases, target.name) {
			t.Errorf("compose.yaml: service %s has no alias %s on the default network", target.job, target.name)
		}
	}
}
