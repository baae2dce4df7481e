using System.Diagnostics;

namespace TriageBot.Tests.TeamsApp;

/// <summary>
/// Runs tests/e2e-tools/validate-manifest.cjs: the Teams manifest schema v1.29 (the copy in
/// manifest/schema/) checked by Ajv, a real JSON-schema validator.
/// </summary>
public static class ManifestValidator
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string Tools => Path.Combine(RepositoryPaths.Root, "tests", "e2e-tools");

    public static async Task<(int Exit, string Output)> ValidateAsync(params string[] manifests)
    {
        await EnsureInstalledAsync("ajv-draft-04", "ajv-formats");
        return await RunAsync("node", ["validate-manifest.cjs", .. manifests], Tools);
    }

    /// <summary>Runs <c>npm ci</c> in <see cref="Tools"/> (one test at a time) when any of <paramref name="packages"/> is missing.</summary>
    public static async Task EnsureInstalledAsync(params string[] packages)
    {
        await InstallGate.WaitAsync();
        try
        {
            if (packages.Any(package => !File.Exists(Path.Combine(Tools, "node_modules", package, "package.json"))))
            {
                // The test installs what it needs rather than skipping.
                var (exit, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Tools);
                Assert.True(exit == 0, output);
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    public static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> arguments, string directory, IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
