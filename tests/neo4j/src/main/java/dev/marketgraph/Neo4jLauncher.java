package dev.marketgraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts a throw-away Neo4j Community server (Bolt + HTTP on free loopback ports, auth off) for
 * the Python test suite, prints one ready line to stdout, and shuts down when stdin reaches EOF
 * (the parent process went away or closed the pipe) or on SIGTERM/SIGINT.
 *
 * <p>Usage: {@code Neo4jLauncher [--logs-dir DIR] [--data-dir DIR] [--bolt-port N] [--http-port N]};
 * with {@code --logs-dir}, Neo4j's own log files (neo4j.log, debug.log, ...) are kept there
 * instead of in the deleted temp dir; with {@code --data-dir}, the databases are kept there
 * (and found again on the next start); ports default to 0, any free one.
 */
public final class Neo4jLauncher {
    private static final String LOOPBACK = "127.0.0.1";

    private static final Object LOCK = new Object();
    private static Neo4j neo4j;
    private static Path workDir;
    private static boolean stopped;

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path logsDir = null;
        Path dataDir = null;
        int boltPort = 0;
        int httpPort = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                if ("--logs-dir".equals(args[i]) && i + 1 < args.length) {
                    logsDir = Path.of(args[++i]).toAbsolutePath();
                } else if ("--data-dir".equals(args[i]) && i + 1 < args.length) {
                    dataDir = Path.of(args[++i]).toAbsolutePath();
                } else if ("--bolt-port".equals(args[i]) && i + 1 < args.length) {
                    boltPort = Integer.parseInt(args[++i]);
                } else if ("--http-port".equals(args[i]) && i + 1 < args.length) {
                    httpPort = Integer.parseInt(args[++i]);
                } else {
                    throw new IllegalArgumentException(args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("usage: Neo4jLauncher [--logs-dir DIR] [--data-dir DIR]"
                    + " [--bolt-port N] [--http-port N]");
            System.exit(2);
        }

        // Everything Neo4j (or anything else) prints goes to stderr; stdout carries only the
        // ready line so the parent can parse it reliably.
        PrintStream control = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jLauncher::stop, "neo4j-launcher-stop"));

        Path dir = Files.createTempDirectory("marketgraph-neo4j-");
        synchronized (LOCK) {
            workDir = dir;
        }
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(dir)
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress(LOOPBACK, boltPort))
                .withConfig(BoltConnector.advertised_address, new SocketAddress(LOOPBACK, boltPort))
                .withConfig(HttpConnector.enabled, true)
                .withConfig(HttpConnector.listen_address, new SocketAddress(LOOPBACK, httpPort))
                .withConfig(HttpConnector.advertised_address, new SocketAddress(LOOPBACK, httpPort))
                .withConfig(HttpsConnector.enabled, false)
                // Don't linger for Netty's default quiet period (~10 s) when shutting down Bolt.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout,
                        Duration.ofSeconds(5));
        if (dataDir != null) {
            // Databases and transaction logs live there and outlive the server (the work
            // directory around them is still deleted on exit).
            Files.createDirectories(dataDir);
            builder = builder.withConfig(GraphDatabaseSettings.data_directory, dataDir);
        }
        if (logsDir != null) {
            Files.createDirectories(logsDir);
            builder = builder.withConfig(GraphDatabaseSettings.logs_directory, logsDir);
        }
        Neo4j server = builder.build();
        synchronized (LOCK) {
            neo4j = server;
            if (stopped) { // SIGTERM arrived while we were starting.
                server.close();
                return;
            }
        }

        control.println("NEO4J_READY bolt=bolt://" + LOOPBACK + ":" + server.boltURI().getPort()
                + " http=http://" + LOOPBACK + ":" + server.httpURI().getPort());
        control.flush();

        // Block until the parent closes our stdin (or dies); then exit, which runs stop().
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // Ignore anything the parent writes; only EOF matters.
            }
        } catch (IOException e) {
            // Treat a broken stdin like EOF.
        }
        System.exit(0);
    }

    private static void stop() {
        Neo4j server;
        Path dir;
        synchronized (LOCK) {
            if (stopped) {
                return;
            }
            stopped = true;
            server = neo4j;
            dir = workDir;
        }
        if (server != null) {
            try {
                server.close();
            } catch (RuntimeException e) {
                e.printStackTrace();
            }
        }
        if (dir != null) {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover file in the temp dir is harmless.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }
}
