using System.IO.Compression;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using TriageBot.Cli;
using TriageBot.Tests.TeamsApp;
using Xunit.Abstractions;

namespace TriageBot.Tests.Cli;

/// <summary>The <c>package</c> verb: the Teams app zip an administrator uploads.</summary>
public sealed class PackageCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string AppId = "3d6e1f0a-8b2c-4d5e-9f60-7a8b9c0d1e2f";
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-package-verb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string ManifestFolder => Path.Combine(RepositoryPaths.Root, "manifest");

    private static async Task<(int Exit, string Out, string Err)> Run(string[] args, Dictionary<string, string?> settings)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var exit = await CommandLine.RunAsync(args, new StringReader(""), stdout, stderr, RepositoryPaths.Knowledge, configuration);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Package_WritesAZipWhoseManifestPassesTheTeamsSchema()
    {
        var zipPath = Path.Combine(_folder, "triagebot.zip");

        var (exit, stdout, stderr) = await Run(["package", "--out", zipPath, "--manifest-dir", ManifestFolder], new()
        {
            ["MicrosoftAppId"] = AppId,
            ["TeamsApp:WebsiteUrl"] = "https://it.contoso.com/triagebot",
            ["TeamsApp:PrivacyUrl"] = "https://it.contoso.com/privacy",
            ["TeamsApp:TermsOfUseUrl"] = "https://it.contoso.com/terms",
        });

        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Contains($"wrote {zipPath}: manifest.json, color.png, outline.png", stdout);
        using var zip = ZipFile.OpenRead(zipPath);
        // Teams reads the manifest and the icons from the zip's root: no folders.
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order());
        var extracted = Path.Combine(_folder, "manifest.json");
        await File.WriteAllBytesAsync(extracted, TeamsAppPackageTests.ReadEntry(zip, "manifest.json"));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(extracted))!;
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(AppId, (string?)manifest["composeExtensions"]![0]!["botId"]);
        Assert.Equal("https://it.contoso.com/privacy", (string?)manifest["developer"]!["privacyUrl"]);
        Assert.Equal((192, 192), Size(PngImage.Decode(TeamsAppPackageTests.ReadEntry(zip, "color.png"))));
        Assert.Equal((32, 32), Size(PngImage.Decode(TeamsAppPackageTests.ReadEntry(zip, "outline.png"))));

        var (validExit, validation) = await ManifestValidator.ValidateAsync(extracted);

        output.WriteLine(validation);
        Assert.True(validExit == 0, validation);
        Assert.Contains(" 0 problems", validation);
    }

    [Fact]
    public async Task Package_WithoutAppId_IsAClearErrorAndWritesNothing()
    {
        var zipPath = Path.Combine(_folder, "triagebot.zip");

        var (exit, stdout, stderr) = await Run(["package", "--out", zipPath, "--manifest-dir", ManifestFolder], new() { ["MicrosoftAppId"] = "" });

        Assert.Equal(1, exit);
        Assert.StartsWith("error: MicrosoftAppId is not configured", stderr);
        Assert.Contains("no package written", stderr);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(zipPath));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task Package_WithAnAppIdThatIsNotAGuid_IsAClearErrorAndWritesNothing()
    {
        var zipPath = Path.Combine(_folder, "triagebot.zip");

        var (exit, _, stderr) = await Run(["package", "--out", zipPath, "--manifest-dir", ManifestFolder], new() { ["MicrosoftAppId"] = "my-bot" });

        Assert.Equal(1, exit);
        Assert.Contains("error: MicrosoftAppId 'my-bot' is not an app id", stderr);
        Assert.False(File.Exists(zipPath));
    }

    [Fact]
    public async Task Package_UnknownArgument_IsAnErrorWithTheUsage()
    {
        var (exit, _, stderr) = await Run(["package", "--output", "x.zip"], new() { ["MicrosoftAppId"] = AppId });

        Assert.Equal(1, exit);
        Assert.Contains("unknown argument '--output'", stderr);
        Assert.Contains("package [--out triagebot.zip] [--manifest-dir manifest]", stderr);
    }

    [Fact]
    public async Task Help_DescribesThePackageVerb()
    {
        var (exit, stdout, _) = await Run(["help"], new());

        Assert.Equal(0, exit);
        Assert.Contains("-- package [--out triagebot.zip] [--manifest-dir manifest]", stdout);
        Assert.Contains("MicrosoftAppId", stdout);
    }

    [Fact]
    public async Task Package_AsAProgram_TakesTheAppIdFromTheEnvironmentAndTheRestFromAppsettings()
    {
        // The real entry point, as `dotnet run --project src/TriageBot -- package` runs it: the
        // configuration is appsettings.json under the environment variables, the manifest folder
        // the clone's manifest/.
        var zipPath = Path.Combine(_folder, "from-env.zip");
        var dll = Path.Combine(RepositoryPaths.Root, "src", "TriageBot", "bin", BuildConfiguration, "net10.0", "TriageBot.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

        var (exit, text) = await ManifestValidator.RunAsync(dotnet, [dll, "package", "--out", zipPath], Path.Combine(RepositoryPaths.Root, "src", "TriageBot"),
            new Dictionary<string, string?> { ["MicrosoftAppId"] = AppId });

        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("warning: TeamsApp:WebsiteUrl is still the placeholder https://example.invalid/triagebot", text);
        using var zip = ZipFile.OpenRead(zipPath);
        var manifest = JsonNode.Parse(TeamsAppPackageTests.ReadEntry(zip, "manifest.json"))!;
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
    }

    [Fact]
    public async Task Package_AsAProgramWithoutAppId_FailsAndWritesNothing()
    {
        var zipPath = Path.Combine(_folder, "none.zip");
        var dll = Path.Combine(RepositoryPaths.Root, "src", "TriageBot", "bin", BuildConfiguration, "net10.0", "TriageBot.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

        var (exit, text) = await ManifestValidator.RunAsync(dotnet, [dll, "package", "--out", zipPath], RepositoryPaths.Root,
            new Dictionary<string, string?> { ["MicrosoftAppId"] = null });

        Assert.Equal(1, exit);
        Assert.Contains("error: MicrosoftAppId is not configured", text);
        Assert.False(File.Exists(zipPath));
    }

    private static string BuildConfiguration =>
        typeof(PackageCommandTests).Assembly.GetCustomAttributes<AssemblyConfigurationAttribute>().Single().Configuration;

    private static (int, int) Size(PngImage image) => (image.Width, image.Height);
}
