using System.Diagnostics;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// The pinned node tools in tests/e2e-tools. Installs them with <c>npm ci</c> when they are missing,
/// so a fresh checkout runs the end-to-end tests without a manual step.
/// </summary>
public static class E2ETools
{
    private const string PlaygroundPackage = "@microsoft/m365agentsplayground";
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Absolute path of tests/e2e-tools, found by walking up from the test binaries.</summary>
    public static string ToolsDirectory { get; } = FindToolsDirectory();

    /// <summary>The Playground's CLI entry point (run with node directly: the package's bins are
    /// <c>agentsplayground</c> and <c>teamsapptester</c>, so <c>npx m365agentsplayground</c> does not resolve locally).</summary>
    public static string PlaygroundCli => Path.Combine(ToolsDirectory, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");

    /// <summary>Preload that makes the Playground listen on 127.0.0.1 instead of every interface.</summary>
    public static string LoopbackPreload => Path.Combine(ToolsDirectory, "loopback-only.cjs");

    /// <summary>Runs <c>npm ci</c> in tests/e2e-tools unless the locked Playground version is already installed.</summary>
    public static async Task EnsureInstalledAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            if (IsInstalled())
            {
                return;
            }

            // Another test process may be installing into the same folder; npm ci deletes node_modules first.
            using var fileLock = await AcquireFileLockAsync(Path.Combine(ToolsDirectory, ".npm-ci.lock"), NpmCiTimeout, cancellationToken);
            if (IsInstalled())
            {
                return;
            }

            log?.Invoke($"[e2e-tools] {PlaygroundPackage} missing; running npm ci in {ToolsDirectory}");
            var output = new List<string>();
            await using var npm = ChildProcess.Start(
                "npm",
                ["ci", "--no-audit", "--no-fund"],
                ToolsDirectory,
                new Dictionary<string, string?>(),
                "npm",
                line =>
                {
                    lock (output)
                    {
                        output.Add(line);
                    }

                    log?.Invoke(line);
                });
            var exitCode = await npm.WaitForExitAsync(NpmCiTimeout, cancellationToken);
            if (exitCode != 0 || !IsInstalled())
            {
                string text;
                lock (output)
                {
                    text = string.Join(Environment.NewLine, output);
                }

                throw new InvalidOperationException(
                    $"npm ci in {ToolsDirectory} failed (exit code {exitCode?.ToString() ?? "timeout"}):{Environment.NewLine}{text}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static bool IsInstalled()
    {
        var installed = Path.Combine(ToolsDirectory, "node_modules", "@microsoft", "m365agentsplayground", "package.json");
        if (!File.Exists(installed) || !File.Exists(PlaygroundCli))
        {
            return false;
        }

        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(ToolsDirectory, "package-lock.json")));
        var locked = lockFile.RootElement.GetProperty("packages").GetProperty($"node_modules/{PlaygroundPackage}").GetProperty("version").GetString();
        using var package = JsonDocument.Parse(File.ReadAllText(installed));
        return package.RootElement.GetProperty("version").GetString() == locked;
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    private static string FindToolsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "e2e-tools");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/e2e-tools/package-lock.json not found above {AppContext.BaseDirectory}.");
    }
}
