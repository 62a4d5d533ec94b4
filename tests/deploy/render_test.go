// Package deploy checks the Kubernetes manifests under deploy/k8s: every object decodes
// strictly into its k8s.io/api type (an unknown or duplicated field is an error), and the
// rules the system relies on hold (probes, limits, non-root, drain time, services that
// select a workload, policies, autoscalers). apiserver_test.go then has a real API server
// judge the same overlay.
package deploy

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// overlay is the kustomization a cluster is given.
const overlay = "overlays/production"

// repoRoot is two levels above this file.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// k8sCopy copies deploy/k8s (and deploy/prometheus beside it, whose files the base turns
// into a ConfigMap) to a temporary directory and writes each overlay's secrets.env from its
// committed example, as an operator would before applying.
func k8sCopy(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	copyTree(t, filepath.Join(repoRoot(t), "deploy", "prometheus"), filepath.Join(tmp, "prometheus"))
	dst := filepath.Join(tmp, "k8s")
	copyTree(t, filepath.Join(repoRoot(t), "deploy", "k8s"), dst)
	return dst
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		out := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if info.Name() == "secrets.env" {
			return nil // a real one stays where it is
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if info.Name() == "secrets.env.example" {
			out = filepath.Join(filepath.Dir(out), "secrets.env")
		}
		return os.WriteFile(out, data, 0o600)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// render runs kustomize (the library kubectl -k uses) on dir and returns the YAML stream.
func render(t *testing.T, dir string) []byte {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize %s: %v", dir, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatalf("kustomize %s: %v", dir, err)
	}
	return out
}

// splitDocs splits a YAML stream at its "---" lines, dropping empty documents.
func splitDocs(stream []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), stream...), []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(d []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(d), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// objects holds every decoded object of a rendering, by kind.
type objects struct {
	namespaces   []corev1.Namespace
	configMaps   []corev1.ConfigMap
	secrets      []corev1.Secret
	services     []corev1.Service
	deployments  []appsv1.Deployment
	statefulSets []appsv1.StatefulSet
	hpas         []autoscalingv2.HorizontalPodAutoscaler
	pdbs         []policyv1.PodDisruptionBudget
	ingresses    []networkingv1.Ingress
	policies     []networkingv1.NetworkPolicy
	count        int
}

// decodeStrict decodes one document into the type its apiVersion and kind name; unknown
// fields, duplicated fields and kinds this system does not use are errors.
func (o *objects) decodeStrict(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	strict := func(into any) error { return yaml.UnmarshalStrict(doc, into) }
	var err error
	switch head.APIVersion + "/" + head.Kind {
	case "v1/Namespace":
		var x corev1.Namespace
		if err = strict(&x); err == nil {
			o.namespaces = append(o.namespaces, x)
		}
	case "v1/ConfigMap":
		var x corev1.ConfigMap
		if err = strict(&x); err == nil {
			o.configMaps = append(o.configMaps, x)
		}
	case "v1/Secret":
		var x corev1.Secret
		if err = strict(&x); err == nil {
			o.secrets = append(o.secrets, x)
		}
	case "v1/Service":
		var x corev1.Service
		if err = strict(&x); err == nil {
			o.services = append(o.services, x)
		}
	case "apps/v1/Deployment":
		var x appsv1.Deployment
		if err = strict(&x); err == nil {
			o.deployments = append(o.deployments, x)
		}
	case "apps/v1/StatefulSet":
		var x appsv1.StatefulSet
		if err = strict(&x); err == nil {
			o.statefulSets = append(o.statefulSets, x)
		}
	case "autoscaling/v2/HorizontalPodAutoscaler":
		var x autoscalingv2.HorizontalPodAutoscaler
		if err = strict(&x); err == nil {
			o.hpas = append(o.hpas, x)
		}
	case "policy/v1/PodDisruptionBudget":
		var x policyv1.PodDisruptionBudget
		if err = strict(&x); err == nil {
			o.pdbs = append(o.pdbs, x)
		}
	case "networking.k8s.io/v1/Ingress":
		var x networkingv1.Ingress
		if err = strict(&x); err == nil {
			o.ingresses = append(o.ingresses, x)
		}
	case "networking.k8s.io/v1/NetworkPolicy":
		var x networkingv1.NetworkPolicy
		if err = strict(&x); err == nil {
			o.policies = append(o.policies, x)
		}
	default:
		return fmt.Errorf("unexpected kind %s/%s", head.APIVersion, head.Kind)
	}
	if err == nil {
		o.count++
	}
	return err
}

func decodeAll(t *testing.T, name string, stream []byte) *objects {
	t.Helper()
	o := &objects{}
	for i, doc := range splitDocs(stream) {
		if err := o.decodeStrict(doc); err != nil {
			t.Errorf("%s, document %d: %v\n%s", name, i+1, err, firstLines(doc, 6))
		}
	}
	return o
}

func firstLines(doc []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(doc)), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// TestFilesDecodeStrictly reads every committed manifest file as it is.
func TestFilesDecodeStrictly(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "deploy", "k8s")
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".yaml") || info.Name() == "kustomization.yaml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		n += decodeAll(t, rel, data).count
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no manifests found")
	}
	t.Logf("%d objects decoded strictly from the files under deploy/k8s", n)
}

var (
	renderOnce sync.Mutex
	renderOut  []byte
)

// rendered is the production overlay, decoded; kustomize runs once per test binary.
func rendered(t *testing.T) *objects {
	t.Helper()
	renderOnce.Lock()
	if renderOut == nil {
		renderOut = render(t, filepath.Join(k8sCopy(t), overlay))
	}
	out := renderOut
	renderOnce.Unlock()
	o := decodeAll(t, overlay, out)
	if t.Failed() {
		t.FailNow()
	}
	return o
}

func TestOverlayRendersAndDecodesStrictly(t *testing.T) {
	o := rendered(t)
	t.Logf("%s: %d objects (%d Deployments, %d StatefulSets, %d Services, %d HPAs, %d PDBs, %d NetworkPolicies, %d Ingresses)",
		overlay, o.count, len(o.deployments), len(o.statefulSets), len(o.services), len(o.hpas), len(o.pdbs),
		len(o.policies), len(o.ingresses))
	for _, ns := range o.namespaces {
		if ns.Name != "microservices" {
			t.Errorf("unexpected namespace %s", ns.Name)
		}
	}
}
