package deploy

import (
	"os"
	"path/filepath"
	"testing"
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
