package dev.quill.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.server.config.QuillConfig;
import dev.quill.server.config.Settings;
import dev.quill.server.http.Affinity;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/ cannot run here (no Docker, no Kubernetes), so it is held by reading to what does run:
 * the settings its environment variables name exist and give the port, host and replica names the
 * load balancers use; the balancers hash on the server's affinity names
 * ({@link Affinity}) and check {@code /health/ready}; the Kubernetes objects select one another and
 * outlast the shutdown grace. bench/cluster.sh runs haproxy.cfg itself, with loopback addresses.
 */
class DeployFilesTest {

    private static final Path DEPLOY = repositoryRoot().resolve("deploy");
    /** nginx's name for the header: $http_ + lower case, '-' as '_'. */
    private static final String NGINX_KEY = "$http_" + Affinity.CONVERSATION_HEADER.toLowerCase(Locale.ROOT).replace('-', '_')
            + "$arg_" + Affinity.CONVERSATION_PARAM + "$arg_" + Affinity.CLIENT_PARAM;

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsReplicasTheBalancerKnowsWithSettingsThatExist() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        List<String> replicas = services.keySet().stream().filter(s -> s.startsWith("quill-")).sorted().toList();
        assertThat(replicas).hasSizeGreaterThanOrEqualTo(2);
        List<String> upstreams = new ArrayList<>();
        for (String name : replicas) {
            Map<String, Object> service = services.get(name);
            Map<String, String> env = stringMap((Map<String, Object>) service.get("environment"));
            QuillConfig c = configFrom(env);
            assertThat(c.host()).as(name + " listens beyond loopback").isEqualTo("0.0.0.0");
            assertThat(c.replicaId()).as(name + "'s X-Quill-Replica").isEqualTo(name);
            assertThat(c.redisUri()).as(name + "'s store").startsWith("redis://redis:");
            assertThat(seconds(String.valueOf(service.get("stop_grace_period"))))
                    .as(name + ": Compose's kill comes after the shutdown grace").isGreaterThan(c.shutdownGrace().toSeconds());
            upstreams.add(name + ":" + c.port());
        }
        assertThat(services).containsKey("redis");
        Map<String, Object> lb = services.get("lb");
        assertThat(String.valueOf(lb.get("volumes"))).contains("./haproxy.cfg:");
        assertThat(servers(read("haproxy.cfg"), "server quill-\\d+ (\\S+) check")).as("haproxy.cfg's servers").isEqualTo(upstreams);
        assertThat(servers(read("nginx.conf"), "server (quill-\\d+:\\d+) ")).as("nginx.conf's servers").isEqualTo(upstreams);
    }

    @Test
    void haproxyHashesConsistentlyOnTheAffinityKeyAndChecksReadiness() throws IOException {
        String cfg = read("haproxy.cfg");
        assertThat(cfg).contains("req.hdr(" + Affinity.CONVERSATION_HEADER + ")",
                "url_param(" + Affinity.CONVERSATION_PARAM + ")", "url_param(" + Affinity.CLIENT_PARAM + ")",
                "balance hash var(txn.affinity)", "hash-type consistent", "uri /health/ready", "bind :8080");
    }

    @Test
    void nginxHashesConsistentlyOnTheAffinityKeyAndStreamsUnbuffered() throws IOException {
        assertThat(read("nginx.conf")).contains("hash " + NGINX_KEY + " consistent;", "proxy_buffering off;",
                "proxy_set_header Upgrade $http_upgrade;", "listen 8080;");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesObjectsSelectEachOtherProbeTheServerAndOutlastTheGrace() throws IOException {
        Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
        for (Object doc : new Yaml().loadAll(read("k8s/quill.yaml"))) {
            Map<String, Object> o = (Map<String, Object>) doc;
            byKind.put((String) o.get("kind"), o);
        }
        assertThat(byKind).containsKeys("ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "Ingress");
        QuillConfig c = configFrom(stringMap((Map<String, Object>) byKind.get("ConfigMap").get("data")));
        assertThat(c.host()).isEqualTo("0.0.0.0");

        Map<String, Object> spec = (Map<String, Object>) byKind.get("Deployment").get("spec");
        Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        Map<String, Object> pod = (Map<String, Object>) spec.get("template");
        assertThat(((Map<String, Object>) pod.get("metadata")).get("labels")).isEqualTo(labels);
        Map<String, Object> podSpec = (Map<String, Object>) pod.get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
        Map<String, Object> port = ((List<Map<String, Object>>) container.get("ports")).get(0);
        assertThat(port.get("containerPort")).isEqualTo(c.port());
        assertThat(path(container, "readinessProbe")).isEqualTo("/health/ready");
        assertThat(path(container, "livenessProbe")).isEqualTo("/health/live");
        int preStop = (Integer) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) container.get("lifecycle"))
                .get("preStop")).get("sleep")).get("seconds");
        assertThat((Integer) podSpec.get("terminationGracePeriodSeconds")).isGreaterThan((int) c.shutdownGrace().toSeconds() + preStop);
        assertThat(String.valueOf(container.get("env"))).contains("QUILL_SERVER_REPLICA_ID", "metadata.name");
        Map<String, Object> requests = (Map<String, Object>) ((Map<String, Object>) container.get("resources")).get("requests");
        assertThat(requests).containsKeys("cpu", "memory");

        Map<String, Object> service = (Map<String, Object>) byKind.get("Service").get("spec");
        assertThat(service.get("selector")).isEqualTo(labels);
        assertThat(String.valueOf(service.get("ports"))).contains("targetPort=" + port.get("name"));
        Map<String, Object> pdb = (Map<String, Object>) byKind.get("PodDisruptionBudget").get("spec");
        assertThat(((Map<String, Object>) pdb.get("selector")).get("matchLabels")).isEqualTo(labels);

        Map<String, Object> annotations = (Map<String, Object>) ((Map<String, Object>) byKind.get("Ingress").get("metadata")).get("annotations");
        assertThat(annotations.get("nginx.ingress.kubernetes.io/upstream-hash-by")).as("the key nginx.conf hashes on").isEqualTo(NGINX_KEY);
        assertThat(String.valueOf(byKind.get("Ingress").get("spec"))).contains("name=" + "quill");
    }

    /** The config these QUILL_* variables give; fails on a variable that names no setting. */
    private static QuillConfig configFrom(Map<String, String> env) throws IOException {
        TreeSet<String> known = new TreeSet<>();
        flatten("", new Yaml().load(Files.readString(repositoryRoot().resolve("config/quill.yaml"))), known);
        for (String var : env.keySet()) {
            if (var.startsWith("QUILL_")) {
                assertThat(known).as("the setting " + var + " names").contains(var);
            }
        }
        return QuillConfig.from(Settings.defaults().withEnvironment(env));
    }

    private static void flatten(String prefix, Object node, TreeSet<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
        } else {
            out.add("QUILL_" + prefix.replace('.', '_').toUpperCase(Locale.ROOT));
        }
    }

    private static Map<String, String> stringMap(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> container, String probe) {
        return ((Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet")).get("path");
    }

    private static List<String> servers(String cfg, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(cfg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("\\d+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    private static String read(String file) throws IOException {
        return Files.readString(DEPLOY.resolve(file));
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy")) && Files.exists(p.resolve("config/quill.yaml"))) {
                return p;
            }
        }
        throw new AssertionError("deploy/ not found above " + Path.of("").toAbsolutePath());
    }
}
