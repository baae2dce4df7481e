using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace TriageBot.Testing;

/// <summary>
/// A PostgreSQL server for tests. With <see cref="ExistingServerVariable"/> set, that server (a connection
/// string) is used as it is. Otherwise <see cref="Start()"/> creates a throwaway cluster from Debian's binaries
/// (<c>/usr/lib/postgresql/*/bin</c>): <c>initdb</c> into a new folder under the temp directory, <c>pg_ctl
/// start</c> on a free port listening on 127.0.0.1 only (its Unix socket in that folder, a random password);
/// <see cref="Dispose"/> stops it and deletes the folder. initdb and postgres refuse to run as root, so as
/// root both run as the OS user <c>postgres</c> (which Debian's package creates) through <c>runuser</c>, in a
/// folder that user owns. Clusters left behind by a test process that died are removed by the next start.
/// There is no skipping: without binaries or a server, <see cref="Start()"/> fails and says what to do.
/// </summary>
public sealed partial class PostgresTestServer : IDisposable
{
    /// <summary>Environment variable holding the connection string of an existing server to use instead of a throwaway cluster.</summary>
    public const string ExistingServerVariable = "TRIAGEBOT_TEST_POSTGRES";

    /// <summary>Where Debian's postgresql packages put each version's binaries (<c>15/bin/initdb</c>).</summary>
    public const string BinariesRoot = "/usr/lib/postgresql";
    private const string OsUser = "postgres";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly Cluster? _cluster;
    private int _disposed;

    private PostgresTestServer(string connectionString, string description, Cluster? cluster)
    {
        ConnectionString = connectionString;
        Description = description;
        _cluster = cluster;
        if (cluster is not null)
        {
            // A backstop for a run that ends without disposing its fixtures.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        }
    }

    /// <summary>Connects as the cluster's superuser (or as the existing server's connection string says).</summary>
    public string ConnectionString { get; }

    /// <summary>The throwaway cluster's folder (data directory, log, socket); null for an existing server.</summary>
    public string? ClusterDirectory => _cluster?.Directory;

    /// <summary>Which server this is, for messages.</summary>
    public string Description { get; }

    /// <summary>The folder that throwaway clusters live in, one sub-folder each.</summary>
    public static string ClustersDirectory => Path.Combine(Path.GetTempPath(), "triagebot-pg");

    /// <summary>Uses <see cref="ExistingServerVariable"/>'s server, or starts a throwaway cluster.</summary>
    public static PostgresTestServer Start() => Start(Environment.GetEnvironmentVariable(ExistingServerVariable), BinariesRoot);

    /// <summary>
    /// Uses <paramref name="existingServer"/> (a connection string) when given, or starts a throwaway cluster
    /// with the newest binaries under <paramref name="binariesRoot"/> (<c>VERSION/bin/initdb</c>).
    /// </summary>
    public static PostgresTestServer Start(string? existingServer, string binariesRoot)
    {
        if (!string.IsNullOrWhiteSpace(existingServer))
        {
            return new PostgresTestServer(existingServer, $"the server of {ExistingServerVariable}", cluster: null);
        }

        var bin = FindBinaries(binariesRoot) ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries were not found: no {binariesRoot}/*/bin/initdb. Run ./test.sh, which installs "
            + $"Debian's postgresql package (apt-get install postgresql), or set {ExistingServerVariable} to the connection "
            + "string of a PostgreSQL server the tests may create and drop tables in.");
        var runAs = Environment.UserName == "root" ? OsUser : null;
        if (runAs is not null && Run(null, "/", "id", "-u", OsUser).ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The tests run as root, and initdb refuses to run as root, so the throwaway PostgreSQL cluster runs as the OS user '{OsUser}', "
                + $"which does not exist. Run ./test.sh (installing Debian's postgresql package creates it) or set {ExistingServerVariable}.");
        }

        RemoveOrphans(bin, runAs);
        var cluster = Cluster.Create(bin, runAs);
        try
        {
            return new PostgresTestServer(cluster.ConnectionString, $"a throwaway PostgreSQL cluster at 127.0.0.1:{cluster.Port} ({cluster.Directory})", cluster);
        }
        catch
        {
            cluster.Stop();
            throw;
        }
    }

    /// <summary>A table name no other test uses (the storage creates the table).</summary>
    public static string NewTableName() => "test_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Drops a test's table.</summary>
    public void DropTable(string table)
    {
        if (!SafeName().IsMatch(table))
        {
            throw new ArgumentException($"Not a test table name: {table}", nameof(table));
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS \"{table}\"", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Stops the throwaway cluster's server (fast shutdown: sessions are ended), keeping its data and port, as a
    /// database outage; <see cref="Restart"/> brings it back. An existing server cannot be stopped by the tests.
    /// </summary>
    public void Stop() => (_cluster ?? throw NotOurs()).StopServer();

    /// <summary>Starts the server stopped by <see cref="Stop"/> again, on the same port with the same data.</summary>
    public void Restart() => (_cluster ?? throw NotOurs()).StartServer();

    /// <summary>Stops the throwaway cluster and deletes its folder (nothing for an existing server).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            NpgsqlConnection.ClearAllPools();
            _cluster?.Stop();
        }
    }

    private InvalidOperationException NotOurs() =>
        new($"{Description} is not a throwaway cluster of the tests, so they cannot stop or start it.");

    private static string? FindBinaries(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => double.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .FirstOrDefault();
    }

    /// <summary>Stops and deletes clusters whose test process is gone (killed before it could clean up).</summary>
    private static void RemoveOrphans(string bin, string? runAs)
    {
        if (!Directory.Exists(ClustersDirectory))
        {
            return;
        }

        // Test processes running at once (dotnet test runs the projects in parallel) would otherwise remove the same
        // orphan together, and one would return while the other is still deleting it: one at a time.
        using var removing = LockOrphanRemoval();
        foreach (var folder in Directory.GetDirectories(ClustersDirectory))
        {
            try
            {
                var owner = Path.Combine(folder, Cluster.OwnerFile);
                if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner).Trim(), CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
                {
                    new Cluster(folder, bin, runAs, 0, "").Stop();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's cluster: not ours to remove.
            }
        }
    }

    /// <summary>
    /// An exclusive lock (flock, through <see cref="FileShare.None"/>) on a file beside the clusters, held while
    /// orphans are removed; waits for another process holding it, at most <see cref="ToolTimeout"/>. Null when this
    /// user may not open another user's lock file: then removal goes on unlocked, as before.
    /// </summary>
    private static FileStream? LockOrphanRemoval()
    {
        var path = Path.Combine(ClustersDirectory, ".orphans.lock");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < ToolTimeout)
            {
                Thread.Sleep(50);
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    private static (int ExitCode, string Output) Run(string? runAs, string workingDirectory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(runAs is null ? file : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {ToolTimeout}.");
        }

        return (process.ExitCode, (output.Result + errors.Result).Trim());
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SafeName();

    /// <summary>One throwaway cluster: its folder holds the data directory, the log, the socket and the owner's process id.</summary>
    private sealed class Cluster(string directory, string bin, string? runAs, int port, string password)
    {
        public const string OwnerFile = "owner.pid";
        private const string User = "triagebot";

        public string Directory { get; } = directory;

        public int Port { get; private set; } = port;

        public string ConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = User,
            Password = password,
            Database = "postgres",
            Timeout = 10,
            CommandTimeout = 30,
        }.ConnectionString;

        private string Data => Path.Combine(Directory, "data");

        private string Log => Path.Combine(Directory, "postgres.log");

        public static Cluster Create(string bin, string? runAs)
        {
            var root = ClustersDirectory;
            if (!System.IO.Directory.Exists(root))
            {
                // Shared by every user that runs the tests (as /tmp itself).
                System.IO.Directory.CreateDirectory(root);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("1777", 8));
                }
            }

            var directory = System.IO.Directory.CreateDirectory(Path.Combine(root, Guid.NewGuid().ToString("N")[..16])).FullName;
            var cluster = new Cluster(directory, bin, runAs, 0, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
            try
            {
                cluster.Initialise();
                return cluster;
            }
            catch
            {
                cluster.Stop();
                throw;
            }
        }

        public void Stop()
        {
            if (File.Exists(Path.Combine(Data, "postmaster.pid")))
            {
                Run(runAs, Directory, Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "-t", "60", "stop");
            }

            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }

        public void StopServer() =>
            Check(Run(runAs, Directory, Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "fast", "-w", "-t", "60", "stop"), "pg_ctl stop");

        public void StartServer() =>
            Check(Run(runAs, Directory, Path.Combine(bin, "pg_ctl"), "-D", Data, "-l", Log, "-w", "-t", "60",
                "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "start"), "pg_ctl start");

        private void Initialise()
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(Path.Combine(Directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var passwordFile = Path.Combine(Directory, "password");
            File.WriteAllText(passwordFile, password);
            if (runAs is not null)
            {
                Check(Run(null, "/", "chown", "-R", $"{runAs}:", Directory), "chown");
            }

            Check(Run(runAs, Directory, Path.Combine(bin, "initdb"), "-D", Data, "-U", User, "-A", "scram-sha-256", $"--pwfile={passwordFile}",
                "-E", "UTF8", "--no-locale", "--no-sync"), "initdb");
            File.Delete(passwordFile);
            File.AppendAllText(Path.Combine(Data, "postgresql.conf"), $"""

                # TriageBot test cluster: loopback only, socket in its own folder, durability off (thrown away after the run).
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{Directory}'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                shared_buffers = 32MB

                """);

            // The free port can be taken between looking and binding: then try another.
            for (var attempt = 1; ; attempt++)
            {
                Port = FreeLoopbackPort();
                var result = Run(runAs, Directory, Path.Combine(bin, "pg_ctl"), "-D", Data, "-l", Log, "-w", "-t", "60",
                    "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}", "start");
                if (result.ExitCode == 0)
                {
                    return;
                }

                var log = File.Exists(Log) ? File.ReadAllText(Log) : "";
                if (attempt >= 3 || !log.Contains("could not bind", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"pg_ctl start failed for the test cluster in {Directory} (exit {result.ExitCode}): {result.Output}\n{log}");
                }
            }
        }

        private void Check((int ExitCode, string Output) result, string what)
        {
            if (result.ExitCode != 0)
            {
                var hint = runAs is null ? "" : $" (as root the cluster runs as the OS user '{runAs}', which must be able to reach {Directory})";
                throw new InvalidOperationException($"{what} failed for the test cluster in {Directory}{hint}, exit {result.ExitCode}: {result.Output}");
            }
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
