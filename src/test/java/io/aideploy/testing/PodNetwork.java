package io.aideploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.app.dependent.DeploymentDependent;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A pod network for the local control plane, which has no kubelet: Pods get real, reachable IPs and
 * a stand-in app that answers {@code Hello, World!} (and, for streaming tests, Server-Sent Events
 * at {@code /events?KEY}, held after the first event until {@code /release?KEY}, and a WebSocket
 * echo at {@code /ws}).
 *
 * <p>{@link #create} makes a network namespace of its own ({@code ip netns add aideploy-pn-<jvm
 * pid>-<id>}), a veth pair with the host end in the root namespace and the other end inside, and a
 * private /24 ({@code 10.2xx.y.0/24}, checked against every address and route on the machine) that
 * exists only on that link: the host end is {@code .1}, pod IPs {@code .2}–{@code .254} are /32
 * addresses on the inner end. It also registers a fake {@link Node} (with a heartbeat Lease, so
 * that the node lifecycle controller keeps it Ready) and acts as that node's kubelet for the Pods
 * it {@linkplain #serve serves}: it binds the Pod to the node, starts a Python stand-in server
 * inside the namespace on the Pod's IP, probes it from the root namespace, and marks the Pod
 * Running and Ready with that IP, so that the real EndpointSlice controller publishes it. When such
 * a Pod is deleted its server stops and the Pod is removed, as a kubelet would.
 *
 * <p>Needs root and iproute2; {@link #create} fails (never skips) without them. {@link #close}
 * stops the servers, deletes the Node, the namespace and the veth; it may be called twice. A
 * leftover of a crashed run is removed by {@link #removeLeftovers()} (also called by {@link
 * #create}). Nothing here contacts an address other than loopback and the namespace's /24.
 */
public final class PodNetwork implements AutoCloseable {
  /** Prefix of the network namespaces (and Node names) this class creates. */
  public static final String PREFIX = "aideploy-pn-";

  /** Label on the fake Node, naming the network's id. */
  public static final String NODE_LABEL = "aideploy.io/pod-network";

  /** Header of the reachability probe that {@link #serve} sends; not listed by requests(). */
  public static final String PROBE_HEADER = "X-Aideploy-PodNetwork-Probe";

  public static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final String INTERFACE_PREFIX = "adpn";
  private static final Pattern NETNS_NAME =
      Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-([0-9a-f]{6})");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SERVER_SCRIPT =
      """
      import base64, hashlib, json, struct, sys, threading
      from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

      host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
      lock = threading.Lock()
      releases = {}
      WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

      def release(key):
          with lock:
              return releases.setdefault(key, threading.Event())

      class Handler(BaseHTTPRequestHandler):
          protocol_version = "HTTP/1.1"

          def answer(self):
              length = int(self.headers.get("Content-Length") or 0)
              body = self.rfile.read(length) if length > 0 else b""
              entry = {"method": self.command, "path": self.path, "bodyLength": len(body),
                       "headers": [[k, v] for k, v in self.headers.items()]}
              with lock, open(log, "a") as f:
                  f.write(json.dumps(entry) + "\\n")
              path, _, query = self.path.partition("?")
              if path == "/events":
                  return self.events(query)
              if path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
                  return self.websocket()
              if path == "/release":
                  release(query).set()
              out = b"Hello, World!\\n"
              self.send_response(200)
              self.send_header("Content-Type", "text/plain; charset=utf-8")
              self.send_header("Content-Length", str(len(out)))
              self.end_headers()
              if self.command != "HEAD":
                  self.wfile.write(out)

          def events(self, key):
              # Server-Sent Events: "one" at once, "two" only once /release?<key> was called,
              # so a proxy that holds back "one" keeps the client from ever asking for "two".
              self.send_response(200)
              self.send_header("Content-Type", "text/event-stream")
              self.send_header("Cache-Control", "no-cache")
              self.send_header("Connection", "close")
              self.end_headers()
              self.close_connection = True
              self.wfile.write(b"data: one\\n\\n")
              self.wfile.flush()
              if release(key).wait(300):
                  self.wfile.write(b"data: two\\n\\n")
                  self.wfile.flush()

          def websocket(self):
              # RFC 6455 echo: the handshake, then every text or binary frame sent back unmasked.
              key = self.headers["Sec-WebSocket-Key"] + WEBSOCKET_GUID
              accept = base64.b64encode(hashlib.sha1(key.encode()).digest()).decode()
              self.send_response(101)
              self.send_header("Upgrade", "websocket")
              self.send_header("Connection", "Upgrade")
              self.send_header("Sec-WebSocket-Accept", accept)
              self.end_headers()
              self.close_connection = True
              while True:
                  head = self.rfile.read(2)
                  if len(head) < 2:
                      return
                  opcode, length = head[0] & 0x0F, head[1] & 0x7F
                  if length == 126:
                      length = struct.unpack(">H", self.rfile.read(2))[0]
                  elif length == 127:
                      length = struct.unpack(">Q", self.rfile.read(8))[0]
                  mask = self.rfile.read(4) if head[1] & 0x80 else bytes(4)
                  data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
                  if opcode == 8:
                      self.wfile.write(b"\\x88\\x00")
                      return
                  if opcode in (1, 2):
                      size = bytes([len(data)]) if len(data) < 126 else b"\\x7e" + struct.pack(">H", len(data))
                      self.wfile.write(bytes([0x80 | opcode]) + size + data)
                      self.wfile.flush()

          do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

          def log_message(self, *args):
              pass

      server = ThreadingHTTPServer((host, port), Handler)
      server.daemon_threads = True
      print("listening", flush=True)
      server.serve_forever()
      """;

  /** One request a stand-in app received; header names are matched case-insensitively. */
  public record Request(String method, String path, Map<String, List<String>> headers) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  /** Status code and body of an HTTP exchange. */
  public record Response(int status, String body) {}

  private record Served(
      String namespace, String name, String uid, String ip, int port, Process process, Path log) {}

  private final KubernetesClient client;
  private final String id;
  private final String netns;
  private final String hostInterface;
  private final String podInterface;
  private final String subnetPrefix; // "10.a.b."
  private final String nodeName;
  private final Path dir;
  private final String python;
  private final Map<String, Served> served = new ConcurrentHashMap<>();
  private final TreeSet<Integer> freeHosts = new TreeSet<>();
  private ScheduledExecutorService heartbeat;
  private SharedIndexInformer<Pod> informer;
  private Thread shutdownHook;
  private volatile boolean closed;

  private PodNetwork(KubernetesClient client, String id, String subnetPrefix, Path dir, String py) {
    this.client = client;
    this.id = id;
    this.netns = PREFIX + ProcessHandle.current().pid() + "-" + id;
    this.hostInterface = INTERFACE_PREFIX + id + "h";
    this.podInterface = INTERFACE_PREFIX + id + "p";
    this.subnetPrefix = subnetPrefix;
    this.nodeName = netns;
    this.dir = dir;
    this.python = py;
    for (int host = 2; host <= 254; host++) {
      freeHosts.add(host);
    }
  }

  /**
   * Creates the network namespace, the veth pair and the fake Node. Fails with a clear message when
   * not run as root or when iproute2 or python3 is missing.
   */
  public static PodNetwork create(KubernetesClient client) {
    requireRoot();
    removeLeftovers();
    String python = run("python3", "-c", "import sys; print(sys.executable)").strip();
    String id =
        HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24)).substring(2);
    Path dir;
    try {
      dir = Files.createTempDirectory("aideploy-podnetwork-");
      Files.writeString(dir.resolve("server.py"), SERVER_SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PodNetwork network = new PodNetwork(client, id, freeSubnet(), dir, python);
    try {
      network.setUp();
      return network;
    } catch (RuntimeException e) {
      try {
        network.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void setUp() {
    shutdownHook = new Thread(this::close, "pod-network-shutdown-" + id);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    run("ip", "netns", "add", netns);
    run(
        "ip",
        "link",
        "add",
        hostInterface,
        "type",
        "veth",
        "peer",
        "name",
        podInterface,
        "netns",
        netns);
    run("ip", "addr", "add", hostIp() + "/24", "dev", hostInterface);
    run("ip", "link", "set", hostInterface, "up");
    run("ip", "-n", netns, "link", "set", "lo", "up");
    run("ip", "-n", netns, "link", "set", podInterface, "up");
    // Pod IPs are /32s (none is a "secondary" that goes when the first goes); the /24 is on-link.
    run("ip", "-n", netns, "route", "add", subnet(), "dev", podInterface, "scope", "link");
    registerNode();
    informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", nodeName)
            .inform(new Kubelet(), 0);
  }

  // --- the fake node ---------------------------------------------------------------------

  private void registerNode() {
    String now = now();
    NodeCondition ready =
        new NodeConditionBuilder()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("aideploy PodNetwork stands in for the kubelet")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .build();
    Node node =
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(nodeName)
                    .addToLabels("kubernetes.io/hostname", nodeName)
                    .addToLabels("kubernetes.io/os", "linux")
                    .addToLabels(NODE_LABEL, id)
                    .endMetadata()
                    .build())
            .create();
    await(
        "status of Node " + nodeName,
        () ->
            client
                .nodes()
                .withName(nodeName)
                .editStatus(
                    n -> {
                      n.getStatus().setConditions(List.of(ready));
                      n.getStatus()
                          .setAddresses(
                              List.of(
                                  new io.fabric8.kubernetes.api.model.NodeAddress(
                                      hostIp(), "InternalIP"),
                                  new io.fabric8.kubernetes.api.model.NodeAddress(
                                      nodeName, "Hostname")));
                      return n;
                    }));
    // The node lifecycle controller marks a node Unknown, and its Pods not Ready, when neither
    // its status nor its Lease is renewed within the grace period (50 s): renew the Lease.
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .withNamespace("kube-node-lease")
            .addNewOwnerReference()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(nodeName)
            .withUid(node.getMetadata().getUid())
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(nodeName)
            .withLeaseDurationSeconds(40)
            .withRenewTime(microNow())
            .endSpec()
            .build();
    client.resource(lease).create();
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pod-network-heartbeat-" + id);
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleWithFixedDelay(this::renewLease, 10, 10, TimeUnit.SECONDS);
  }

  private void renewLease() {
    try {
      client
          .leases()
          .inNamespace("kube-node-lease")
          .withName(nodeName)
          .edit(
              l -> {
                l.getSpec().setRenewTime(microNow());
                return l;
              });
    } catch (RuntimeException e) {
      System.err.println("PodNetwork " + id + ": cannot renew the node lease: " + e);
    }
  }

  // --- serving Pods ----------------------------------------------------------------------

  /**
   * Waits for the Pods of an AiApp (label {@link DeploymentDependent#APP_NAME_LABEL}): as many as
   * its Deployment's replicas (at least one), serves each on {@code port}, and waits until every
   * Service in the namespace that selects them lists their IPs as ready in its EndpointSlices.
   * Returns the served Pods.
   */
  public List<Pod> serveApp(String namespace, String appName, int port) {
    List<Pod> pods =
        await(
            "Pods of app " + namespace + "/" + appName,
            () -> {
              List<Pod> live =
                  client
                      .pods()
                      .inNamespace(namespace)
                      .withLabel(DeploymentDependent.APP_NAME_LABEL, appName)
                      .list()
                      .getItems()
                      .stream()
                      .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                      .toList();
              Deployment deployment =
                  client.apps().deployments().inNamespace(namespace).withName(appName).get();
              int wanted =
                  deployment == null || deployment.getSpec().getReplicas() == null
                      ? 1
                      : Math.max(1, deployment.getSpec().getReplicas());
              return live.size() >= wanted ? live : null;
            });
    List<Pod> result = new ArrayList<>();
    for (Pod pod : pods) {
      result.add(serve(pod, port));
    }
    for (Pod pod : result) {
      for (Service service : servicesSelecting(pod)) {
        awaitReadyEndpoint(namespace, service.getMetadata().getName(), ip(pod));
      }
    }
    return result;
  }

  /**
   * Serves one Pod on {@code port}: binds it to this network's node, gives it an IP, starts its
   * stand-in server, checks from the root namespace that it answers, and marks the Pod Running and
   * Ready. Returns the Pod as updated. Serving a Pod twice returns it unchanged.
   */
  public Pod serve(Pod pod, int port) {
    requireOpen();
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Served existing = served.get(key(namespace, name));
    if (existing != null && existing.uid().equals(pod.getMetadata().getUid())) {
      return client.pods().inNamespace(namespace).withName(name).get();
    }
    bind(pod);
    String ip = allocate();
    Served entry;
    try {
      run("ip", "-n", netns, "addr", "add", ip + "/32", "dev", podInterface);
      // Removing a link's last address flushes its routes: (re)install the on-link /24.
      run("ip", "-n", netns, "route", "replace", subnet(), "dev", podInterface, "scope", "link");
      entry = startServer(pod, ip, port);
    } catch (RuntimeException e) {
      release(ip);
      throw e;
    }
    served.put(key(namespace, name), entry);
    Response probe = probe(entry);
    if (!probe.body().equals("Hello, World!\n")) {
      throw new IllegalStateException("unexpected answer from " + ip + ":" + port + ": " + probe);
    }
    markReady(namespace, name, ip);
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  /** Like a readiness probe: GET / from the root namespace until the stand-in answers. */
  private Response probe(Served entry) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String last = "no attempt";
    while (Instant.now().isBefore(deadline)) {
      try {
        Response r = get(entry.ip(), entry.port(), "/", Map.of(PROBE_HEADER, "1"));
        if (r.status() == 200) {
          return r;
        }
        last = "status " + r.status();
      } catch (IOException e) {
        last = e.toString();
      }
      sleep(200);
    }
    String base = entry.namespace() + "_" + entry.name();
    throw new IllegalStateException(
        "the stand-in of "
            + entry.namespace()
            + "/"
            + entry.name()
            + " at "
            + entry.ip()
            + ":"
            + entry.port()
            + " did not answer: "
            + last
            + "\nserver alive: "
            + entry.process().isAlive()
            + ", output: "
            + readQuietly(dir.resolve(base + ".out"))
            + "\n"
            + diagnostics());
  }

  private String diagnostics() {
    StringBuilder text = new StringBuilder();
    for (String[] command :
        List.of(
            new String[] {"ip", "-o", "addr", "show", "dev", hostInterface},
            new String[] {"ip", "route", "get", subnetPrefix + "2"},
            new String[] {"ip", "-n", netns, "-o", "addr"},
            new String[] {"ip", "-n", netns, "route"},
            new String[] {"ip", "-n", netns, "-o", "link"},
            new String[] {"ip", "netns", "pids", netns})) {
      text.append("$ ").append(String.join(" ", command)).append('\n');
      try {
        text.append(run(command));
      } catch (RuntimeException e) {
        text.append(e.getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  private void bind(Pod pod) {
    String boundTo = pod.getSpec().getNodeName();
    if (boundTo != null && !boundTo.isEmpty()) {
      if (!boundTo.equals(nodeName)) {
        throw new IllegalStateException(
            "Pod " + pod.getMetadata().getName() + " is bound to another node: " + boundTo);
      }
      return;
    }
    // spec.nodeName cannot be updated; binding (what the scheduler does) is the way to set it.
    client
        .bindings()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .withUid(pod.getMetadata().getUid())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(nodeName)
                .endTarget()
                .build())
        .create();
  }

  private Served startServer(Pod pod, String ip, int port) {
    String base = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
    Path log = dir.resolve(base + ".requests.jsonl");
    Path out = dir.resolve(base + ".out");
    Process process;
    try {
      Files.deleteIfExists(log);
      Files.createFile(log);
      process =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  netns,
                  python,
                  "-u",
                  dir.resolve("server.py").toString(),
                  ip,
                  Integer.toString(port),
                  log.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant deadline = Instant.now().plusSeconds(15);
    while (true) {
      String output = readQuietly(out);
      if (output.contains("listening")) {
        break;
      }
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        stopProcess(process);
        throw new IllegalStateException(
            "stand-in server on " + ip + ":" + port + " did not start:\n" + output);
      }
      sleep(50);
    }
    return new Served(
        pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        pod.getMetadata().getUid(),
        ip,
        port,
        process,
        log);
  }

  private void markReady(String namespace, String name, String ip) {
    String now = now();
    await(
        "status of Pod " + namespace + "/" + name,
        () -> {
          try {
            return client
                .pods()
                .inNamespace(namespace)
                .withName(name)
                .editStatus(p -> withRunningStatus(p, ip, now));
          } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
              throw e;
            }
            return null; // a conflict with the controllers: try again
          }
        });
  }

  private Pod withRunningStatus(Pod pod, String ip, String now) {
    var status = pod.getStatus();
    status.setPhase("Running");
    status.setPodIP(ip);
    status.setPodIPs(List.of(new PodIP(ip)));
    status.setHostIP(hostIp());
    status.setHostIPs(List.of(new HostIP(hostIp())));
    status.setStartTime(now);
    Map<String, PodCondition> conditions = new LinkedHashMap<>();
    if (status.getConditions() != null) {
      status.getConditions().forEach(c -> conditions.put(c.getType(), c));
    }
    for (String type :
        List.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")) {
      conditions.put(
          type,
          new PodConditionBuilder()
              .withType(type)
              .withStatus("True")
              .withLastTransitionTime(now)
              .build());
    }
    status.setConditions(new ArrayList<>(conditions.values()));
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container container : pod.getSpec().getContainers()) {
      containers.add(
          new ContainerStatusBuilder()
              .withName(container.getName())
              .withImage(container.getImage())
              .withImageID("")
              .withContainerID("podnetwork://" + id + "/" + pod.getMetadata().getUid())
              .withReady(true)
              .withStarted(true)
              .withRestartCount(0)
              .withNewState()
              .withNewRunning()
              .withStartedAt(now)
              .endRunning()
              .endState()
              .build());
    }
    status.setContainerStatuses(containers);
    return pod;
  }

  /** Waits until an EndpointSlice of the Service lists {@code ip} as a ready endpoint. */
  public EndpointSlice awaitReadyEndpoint(String namespace, String service, String ip) {
    return await(
        "a ready endpoint " + ip + " for Service " + namespace + "/" + service,
        () -> readyEndpointSlice(namespace, service, ip).orElse(null));
  }

  /** The EndpointSlice of the Service that lists {@code ip} as ready, if any. */
  public Optional<EndpointSlice> readyEndpointSlice(String namespace, String service, String ip) {
    return endpointSlices(namespace, service).stream()
        .filter(
            s ->
                s.getEndpoints() != null
                    && s.getEndpoints().stream().anyMatch(e -> lists(e, ip) && isReady(e)))
        .findFirst();
  }

  /** Whether any EndpointSlice of the Service lists {@code ip}, ready or not. */
  public boolean listsEndpoint(String namespace, String service, String ip) {
    return endpointSlices(namespace, service).stream()
        .anyMatch(
            s -> s.getEndpoints() != null && s.getEndpoints().stream().anyMatch(e -> lists(e, ip)));
  }

  private List<EndpointSlice> endpointSlices(String namespace, String service) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(namespace)
        .withLabel("kubernetes.io/service-name", service)
        .list()
        .getItems();
  }

  private static boolean lists(Endpoint endpoint, String ip) {
    return endpoint.getAddresses() != null && endpoint.getAddresses().contains(ip);
  }

  private static boolean isReady(Endpoint endpoint) {
    return endpoint.getConditions() != null
        && Boolean.TRUE.equals(endpoint.getConditions().getReady());
  }

  private List<Service> servicesSelecting(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return client
        .services()
        .inNamespace(pod.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(
            s -> {
              Map<String, String> selector = s.getSpec().getSelector();
              return selector != null
                  && !selector.isEmpty()
                  && labels != null
                  && labels.entrySet().containsAll(selector.entrySet());
            })
        .toList();
  }

  // --- what the test sees ----------------------------------------------------------------

  /** The IP this network gave the Pod; fails if it does not serve the Pod. */
  public String ip(Pod pod) {
    return servedEntry(pod).ip();
  }

  /** The process id of the Pod's stand-in server. */
  public long serverPid(Pod pod) {
    return servedEntry(pod).process().pid();
  }

  /** Whether this network serves the Pod (same name and uid) right now. */
  public boolean serves(Pod pod) {
    Served entry = served.get(key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    return entry != null && entry.uid().equals(pod.getMetadata().getUid());
  }

  /** The requests the Pod's stand-in received, oldest first, without this class's own probes. */
  public List<Request> requests(Pod pod) {
    Served entry = servedEntry(pod);
    List<Request> requests = new ArrayList<>();
    for (String line : readQuietly(entry.log()).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(line);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (JsonNode pair : node.get("headers")) {
          headers
              .computeIfAbsent(pair.get(0).asText(), k -> new ArrayList<>())
              .add(pair.get(1).asText());
        }
        if (headers.containsKey(PROBE_HEADER)) {
          continue;
        }
        requests.add(new Request(node.get("method").asText(), node.get("path").asText(), headers));
      } catch (IOException e) {
        // A line still being written: the next call sees it whole.
      }
    }
    return requests;
  }

  private Served servedEntry(Pod pod) {
    Served entry = served.get(key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    if (entry == null) {
      throw new IllegalArgumentException(
          "PodNetwork does not serve Pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName());
    }
    return entry;
  }

  public String netnsName() {
    return netns;
  }

  public String hostInterface() {
    return hostInterface;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The network's /24, e.g. {@code 10.213.7.0/24}. */
  public String subnet() {
    return subnetPrefix + "0/24";
  }

  /** The root namespace's address on the link ({@code .1}). */
  public String hostIp() {
    return subnetPrefix + "1";
  }

  /**
   * A plain HTTP/1.1 GET with {@code Connection: close} (no proxy, 5 s timeouts) from the root
   * namespace to an address of this open network or loopback; any other address is refused, since
   * without the link a request would leave the machine.
   */
  public Response get(String ip, int port, String path, Map<String, String> headers)
      throws IOException {
    InetAddress address = InetAddress.getByName(ip);
    boolean ours = ip.startsWith(subnetPrefix) && !ip.equals(hostIp()) && !closed;
    if (!ours && !address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "PodNetwork " + id + " only talks to loopback and its own open /24, not " + ip);
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, port), 5000);
      socket.setSoTimeout(5000);
      StringBuilder request = new StringBuilder();
      request.append("GET ").append(path).append(" HTTP/1.1\r\n");
      request.append("Host: ").append(ip).append(':').append(port).append("\r\n");
      headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      request.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      in.transferTo(buffer);
      String text = buffer.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || split < 0) {
        throw new IOException("not an HTTP response: " + text);
      }
      int status = Integer.parseInt(text.substring(9, 12));
      return new Response(status, text.substring(split + 4));
    }
  }

  // --- the kubelet's part: Pods that go away ---------------------------------------------

  private final class Kubelet implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      onUpdate(null, pod);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      if (pod.getMetadata().getDeletionTimestamp() == null || closed) {
        return;
      }
      // Bound Pods are deleted gracefully and wait for their kubelet: stop, then remove them.
      try {
        stop(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      } catch (RuntimeException e) {
        System.err.println("PodNetwork " + id + ": cannot remove a deleted Pod: " + e);
      }
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
      if (!closed) {
        stop(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      }
    }
  }

  private void stop(String namespace, String name) {
    Served entry = served.remove(key(namespace, name));
    if (entry == null) {
      return;
    }
    stopProcess(entry.process());
    if (!closed) {
      try {
        run("ip", "-n", netns, "addr", "del", entry.ip() + "/32", "dev", podInterface);
      } catch (RuntimeException e) {
        System.err.println("PodNetwork " + id + ": " + e.getMessage());
      }
    }
    release(entry.ip());
  }

  // --- closing ---------------------------------------------------------------------------

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RuntimeException> errors = new ArrayList<>();
    attempt(
        errors,
        () -> {
          if (informer != null) {
            informer.close();
          }
        });
    attempt(
        errors,
        () -> {
          if (heartbeat != null) {
            heartbeat.shutdownNow();
          }
        });
    for (Served entry : List.copyOf(served.values())) {
      attempt(errors, () -> stop(entry.namespace(), entry.name()));
    }
    // Without their node the Pods would wait for podgc: remove them, as when a node goes away.
    attempt(
        errors,
        () -> {
          for (Pod pod :
              client
                  .pods()
                  .inAnyNamespace()
                  .withField("spec.nodeName", nodeName)
                  .list()
                  .getItems()) {
            client
                .pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .withGracePeriod(0)
                .delete();
          }
        });
    attempt(
        errors, () -> client.leases().inNamespace("kube-node-lease").withName(nodeName).delete());
    attempt(errors, () -> client.nodes().withName(nodeName).delete());
    attempt(errors, () -> removeHostResources(netns, hostInterface));
    attempt(errors, () -> deleteRecursively(dir));
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      attempt(errors, () -> Runtime.getRuntime().removeShutdownHook(shutdownHook));
    }
    if (!errors.isEmpty()) {
      IllegalStateException failure = new IllegalStateException("PodNetwork close failed");
      errors.forEach(failure::addSuppressed);
      throw failure;
    }
  }

  /**
   * Removes the network namespaces (with their processes and veth pairs) that this class created in
   * JVMs that are no longer running, e.g. after a crash. Namespaces of live JVMs are left alone, so
   * that concurrent test runs on one machine do not disturb each other. Returns the names removed.
   */
  public static List<String> removeLeftovers() {
    requireRoot();
    List<String> removed = new ArrayList<>();
    for (String name : netnsNames()) {
      Matcher m = NETNS_NAME.matcher(name);
      if (!m.matches()) {
        continue;
      }
      long owner = Long.parseLong(m.group(1));
      boolean ownerAlive = ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
      if (ownerAlive) {
        continue;
      }
      removeHostResources(name, INTERFACE_PREFIX + m.group(2) + "h");
      removed.add(name);
    }
    return removed;
  }

  /** The network namespaces on this machine, by name. */
  public static List<String> netnsNames() {
    return Stream.of(run("ip", "netns", "list").split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .map(l -> l.split("\\s+")[0])
        .toList();
  }

  /** Whether a network interface of that name exists in the root namespace. */
  public static boolean linkExists(String name) {
    return Stream.of(run("ip", "-o", "link", "show").split("\n"))
        .anyMatch(l -> l.matches("\\d+: " + Pattern.quote(name) + "[@:].*"));
  }

  private static void removeHostResources(String netns, String hostInterface) {
    if (netnsNames().contains(netns)) {
      // Only processes inside our own namespace: the stand-in servers.
      for (int round = 0; round < 50; round++) {
        List<Long> pids =
            Stream.of(run("ip", "netns", "pids", netns).split("\\s+"))
                .filter(s -> !s.isBlank())
                .map(Long::parseLong)
                .toList();
        if (pids.isEmpty()) {
          break;
        }
        for (long pid : pids) {
          ProcessHandle.of(pid)
              .ifPresent(round < 20 ? ProcessHandle::destroy : ProcessHandle::destroyForcibly);
        }
        sleep(100);
      }
    }
    if (linkExists(hostInterface)) {
      run("ip", "link", "del", hostInterface);
    }
    if (netnsNames().contains(netns)) {
      run("ip", "netns", "del", netns);
    }
  }

  // --- helpers ---------------------------------------------------------------------------

  private static void requireRoot() {
    String uid = run("id", "-u").strip();
    if (!uid.equals("0")) {
      throw new IllegalStateException(
          "PodNetwork needs root (it creates a network namespace and a veth pair with iproute2);"
              + " this JVM runs as uid "
              + uid);
    }
  }

  /** A random 10.2xx.y.0/24 that overlaps no address and no route on this machine. */
  private static String freeSubnet() {
    String text =
        run("ip", "-o", "-4", "addr", "show")
            + "\n"
            + run("ip", "-4", "route", "show", "table", "all");
    Pattern cidr =
        Pattern.compile(
            "(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?");
    List<long[]> used = new ArrayList<>(); // {network, mask}
    Matcher m = cidr.matcher(text);
    while (m.find()) {
      long address = 0;
      for (int i = 1; i <= 4; i++) {
        address = (address << 8) | Integer.parseInt(m.group(i));
      }
      int bits = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
      long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
      used.add(new long[] {address & mask, mask});
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int a = random.nextInt(200, 256);
      int b = random.nextInt(0, 256);
      long network = (10L << 24) | ((long) a << 16) | ((long) b << 8);
      long mask24 = 0xffffff00L;
      boolean collides =
          used.stream()
              .anyMatch(u -> u[1] != 0 && (network & u[1]) == u[0] || (u[0] & mask24) == network);
      if (!collides) {
        return "10." + a + "." + b + ".";
      }
    }
    throw new IllegalStateException("no free 10.2xx.y.0/24 on this machine:\n" + text);
  }

  private synchronized String allocate() {
    Integer host = freeHosts.pollFirst();
    if (host == null) {
      throw new IllegalStateException("PodNetwork " + id + " has no free pod IP left");
    }
    return subnetPrefix + host;
  }

  private synchronized void release(String ip) {
    freeHosts.add(Integer.parseInt(ip.substring(subnetPrefix.length())));
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("PodNetwork " + id + " is closed");
    }
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static void stopProcess(Process process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a command with a timeout; returns its output, fails on a non-zero exit. */
  static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = process.getInputStream()) {
                  in.transferTo(buffer);
                } catch (IOException e) {
                  // the process went away
                }
              });
      reader.start();
      if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
      String output = buffer.toString(StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run " + String.join(" ", command) + " (PodNetwork needs iproute2 and python3)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(String what, Supplier<T> condition) {
    Instant deadline = Instant.now().plus(WAIT);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        T value = condition.get();
        if (value != null) {
          return value;
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          throw e;
        }
        last = e;
      }
      sleep(200);
    }
    IllegalStateException timeout =
        new IllegalStateException("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
    if (last != null) {
      timeout.addSuppressed(last);
    }
    throw timeout;
  }

  private static void attempt(List<RuntimeException> errors, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      errors.add(e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  private static ZonedDateTime microNow() {
    return ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public String toString() {
    return "PodNetwork[" + netns + ", " + subnet() + ", node " + nodeName + "]";
  }
}
