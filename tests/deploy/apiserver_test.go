package deploy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The control plane of TestServerDryRun: kube-apiserver and kubectl as scripts/setup --k8s
// builds them, etcd from Debian's etcd-server. MS_REQUIRE_APISERVER=1 turns their absence
// into a failure (scripts/test sets it once it has built them).
func tool(env, def string) string {
	if v := os.Getenv(env); v != "" {
		return v
	}
	return def
}

var (
	kubeAPIServer = tool("KUBE_APISERVER", "/var/cache/microservices/tools/bin/kube-apiserver")
	kubectl       = tool("KUBECTL", "/var/cache/microservices/tools/bin/kubectl")
	etcd          = tool("ETCD", "/usr/bin/etcd")
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// certificates writes a CA, the API server's serving certificate for 127.0.0.1 and the
// service-account signing key pair into dir.
func certificates(t *testing.T, dir string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "ca.crt"), "CERTIFICATE", caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(dir, "apiserver.crt"), "CERTIFICATE", srvDER)
	srvKeyDER, _ := x509.MarshalECPrivateKey(srvKey)
	writePEM(t, filepath.Join(dir, "apiserver.key"), "EC PRIVATE KEY", srvKeyDER)
	saKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	writePEM(t, filepath.Join(dir, "sa.key"), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(saKey))
	saPub, _ := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	writePEM(t, filepath.Join(dir, "sa.pub"), "PUBLIC KEY", saPub)
}

// start runs a server for the rest of the test, its output in dir/name.log.
func start(t *testing.T, dir, name, bin string, args ...string) {
	t.Helper()
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		log.Close()
		if t.Failed() {
			if data, err := os.ReadFile(log.Name()); err == nil {
				t.Logf("--- last of %s.log ---\n%s", name, tail(string(data), 25))
			}
		}
	})
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// kubectlRun runs kubectl against the test's API server with a deadline.
func kubectlRun(kubeconfig string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestServerDryRun starts etcd and kube-apiserver on loopback with certificates and a token
// of their own, creates the overlay's Namespace for real and has the server judge every
// object of the overlay with `kubectl apply --dry-run=server --validate=strict -k`:
// defaulting, validation (unknown fields are errors) and admission, PodSecurity included.
func TestServerDryRun(t *testing.T) {
	for _, bin := range []string{kubeAPIServer, kubectl, etcd} {
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("MS_REQUIRE_APISERVER") == "1" {
				t.Fatalf("%s: %v (scripts/setup --k8s builds kube-apiserver and kubectl)", bin, err)
			}
			t.Skipf("%s missing (scripts/setup --k8s builds kube-apiserver and kubectl)", bin)
		}
	}
	dir := t.TempDir()
	certificates(t, dir)
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	tok := hex.EncodeToString(token)
	if err := os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(tok+",admin,admin,system:masters\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	etcdClient, etcdPeer := freePort(t), freePort(t)
	start(t, dir, "etcd", etcd,
		"--name", "test", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdClient),
		"--advertise-client-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdClient),
		"--listen-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer),
		"--initial-advertise-peer-urls", fmt.Sprintf("http://127.0.0.1:%d", etcdPeer),
		"--initial-cluster", fmt.Sprintf("test=http://127.0.0.1:%d", etcdPeer),
		"--log-level", "warn")

	port := freePort(t)
	start(t, dir, "kube-apiserver", kubeAPIServer,
		"--etcd-servers", fmt.Sprintf("http://127.0.0.1:%d", etcdClient),
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
		"--secure-port", fmt.Sprint(port), "--cert-dir", filepath.Join(dir, "certs"),
		"--tls-cert-file", filepath.Join(dir, "apiserver.crt"),
		"--tls-private-key-file", filepath.Join(dir, "apiserver.key"),
		"--token-auth-file", filepath.Join(dir, "tokens.csv"),
		"--authorization-mode", "RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range", "10.96.0.0/16",
		"--enable-priority-and-fairness=false")

	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "https://127.0.0.1:%d", certificate-authority: %q}
users:
- name: admin
  user: {token: %q}
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`, port, filepath.Join(dir, "ca.crt"), tok)
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	// The API server is ready when /readyz says so; a loaded machine takes its time.
	deadline := time.Now().Add(180 * time.Second)
	for {
		out, err := kubectlRun(kubeconfig, 10*time.Second, "get", "--raw", "/readyz")
		if err == nil && strings.TrimSpace(out) == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("kube-apiserver not ready after 180 s: %v %s", err, out)
		}
		time.Sleep(time.Second)
	}
	version, _ := kubectlRun(kubeconfig, 20*time.Second, "version")
	t.Logf("control plane:\n%s", strings.TrimSpace(version))

	k8s := k8sCopy(t)
	ov := filepath.Join(k8s, overlay)
	out, err := kubectlRun(kubeconfig, 60*time.Second, "apply", "-f", filepath.Join(ov, "namespace.yaml"))
	if err != nil {
		t.Fatalf("creating the namespace: %v\n%s", err, out)
	}
	t.Logf("kubectl apply -f %s/namespace.yaml\n%s", overlay, strings.TrimSpace(out))

	out, err = kubectlRun(kubeconfig, 120*time.Second, "apply", "--dry-run=server", "--validate=strict", "-k", ov)
	t.Logf("kubectl apply --dry-run=server --validate=strict -k deploy/k8s/%s\n%s", overlay, strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("server dry run refused the overlay: %v", err)
	}
	if n := strings.Count(out, "(server dry run)"); n != rendered(t).count {
		t.Errorf("server dry run accepted %d objects, the overlay has %d", n, rendered(t).count)
	}
	if strings.Contains(out, "Warning:") {
		t.Errorf("the server warned about the overlay (PodSecurity restricted, deprecations)")
	}

	// The check has teeth: a field the API does not know is refused.
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte(`apiVersion: v1
kind: ConfigMap
metadata: {name: bad, namespace: microservices}
data: {a: b}
dataa: {a: b}
`), 0o600)
	out, err = kubectlRun(kubeconfig, 60*time.Second, "apply", "--dry-run=server", "--validate=strict", "-f", bad)
	if err == nil || !strings.Contains(out, "unknown field") {
		t.Errorf("an unknown field was not refused: %v\n%s", err, out)
	}
}
