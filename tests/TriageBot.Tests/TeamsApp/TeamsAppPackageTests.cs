using System.IO.Compression;
using System.Text.Json.Nodes;
using TriageBot.TeamsApp;

namespace TriageBot.Tests.TeamsApp;

public sealed class TeamsAppPackageTests : IDisposable
{
    private const string AppId = "6f1c0a3e-2b4d-4e8f-9a1b-3c5d7e9f1a2b";
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-package-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string ManifestFolder => Path.Combine(RepositoryPaths.Root, "manifest");

    private static TeamsAppOptions Configured() => new()
    {
        DeveloperName = "Contoso IT",
        Version = "1.2.3",
        WebsiteUrl = "https://it.contoso.com/triagebot",
        PrivacyUrl = "https://it.contoso.com/privacy",
        TermsOfUseUrl = "https://it.contoso.com/terms",
    };

    private static JsonObject ManifestOf(TeamsAppPackage package) =>
        (JsonObject)JsonNode.Parse(package.Files.Single(f => f.Name == "manifest.json").Content)!;

    /// <summary>A copy of manifest/ that a test may break.</summary>
    private string CopyOfManifestFolder()
    {
        var copy = Path.Combine(_folder, "manifest");
        Directory.CreateDirectory(copy);
        foreach (var file in new[] { "manifest.json", "color.png", "outline.png" })
        {
            File.Copy(Path.Combine(ManifestFolder, file), Path.Combine(copy, file));
        }
        return copy;
    }

    [Fact]
    public void Build_PutsTheAppIdInAsAppBotAndMessageExtensionId()
    {
        var package = TeamsAppPackage.Build(ManifestFolder, AppId, Configured());

        var manifest = ManifestOf(package);
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(AppId, (string?)manifest["composeExtensions"]![0]!["botId"]);
        Assert.DoesNotContain(TeamsAppPackage.PlaceholderId, manifest.ToJsonString());
        Assert.Equal(["manifest.json", "color.png", "outline.png"], package.Files.Select(f => f.Name));
    }

    [Fact]
    public void Build_ConfiguredDeveloperDetails_ReplaceTheCommittedOnesWithoutWarnings()
    {
        var package = TeamsAppPackage.Build(ManifestFolder, AppId, Configured());

        var manifest = ManifestOf(package);
        var developer = manifest["developer"]!;
        Assert.Equal("Contoso IT", (string?)developer["name"]);
        Assert.Equal("https://it.contoso.com/triagebot", (string?)developer["websiteUrl"]);
        Assert.Equal("https://it.contoso.com/privacy", (string?)developer["privacyUrl"]);
        Assert.Equal("https://it.contoso.com/terms", (string?)developer["termsOfUseUrl"]);
        Assert.Equal("1.2.3", (string?)manifest["version"]);
        Assert.Empty(package.Warnings);
    }

    [Fact]
    public void Build_PlaceholderUrls_AreKeptWithAWarningEach()
    {
        var package = TeamsAppPackage.Build(ManifestFolder, AppId, new TeamsAppOptions());

        Assert.Equal("https://example.invalid/triagebot/privacy", (string?)ManifestOf(package)["developer"]!["privacyUrl"]);
        Assert.Equal(3, package.Warnings.Count);
        Assert.Contains(package.Warnings, w => w.StartsWith("TeamsApp:PrivacyUrl is still the placeholder", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Build_MissingAppId_SaysHowToSetIt(string? appId)
    {
        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(ManifestFolder, appId, Configured()));

        Assert.Contains("MicrosoftAppId is not configured", error.Message);
        Assert.Contains("environment variable MicrosoftAppId", error.Message);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("{{MicrosoftAppId}}")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("6f1c0a3e2b4d4e8f9a1b3c5d7e9f1a2b")]
    [InlineData("{6f1c0a3e-2b4d-4e8f-9a1b-3c5d7e9f1a2b}")]
    public void Build_AppIdThatIsNotAGuid_IsRejected(string appId)
    {
        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(ManifestFolder, appId, Configured()));

        Assert.Contains($"MicrosoftAppId '{appId}' is not an app id", error.Message);
    }

    [Fact]
    public void Build_UppercaseAppId_IsWrittenInTheCanonicalForm()
    {
        var package = TeamsAppPackage.Build(ManifestFolder, " " + AppId.ToUpperInvariant() + " ", Configured());

        Assert.Equal(AppId, (string?)ManifestOf(package)["id"]);
    }

    [Theory]
    [InlineData("http://it.contoso.com/privacy")]
    [InlineData("it.contoso.com/privacy")]
    public void Build_PrivacyUrlThatIsNotHttps_IsRejected(string url)
    {
        var options = Configured();
        options.PrivacyUrl = url;

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(ManifestFolder, AppId, options));

        Assert.Contains("TeamsApp:PrivacyUrl", error.Message);
        Assert.Contains("https", error.Message);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0-beta")]
    public void Build_VersionThatIsNotMajorMinorPatch_IsRejected(string version)
    {
        var options = Configured();
        options.Version = version;

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(ManifestFolder, AppId, options));

        Assert.Contains("TeamsApp:Version", error.Message);
    }

    [Fact]
    public void Build_OutlineIconOfTheWrongSize_IsRejected()
    {
        var folder = CopyOfManifestFolder();
        File.Copy(Path.Combine(folder, "color.png"), Path.Combine(folder, "outline.png"), overwrite: true);

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(folder, AppId, Configured()));

        Assert.Contains("outline.png is 192x192; Teams requires 32x32 for icons.outline", error.Message);
    }

    [Fact]
    public void Build_IconThatIsNotAPng_IsRejected()
    {
        var folder = CopyOfManifestFolder();
        File.WriteAllText(Path.Combine(folder, "color.png"), "not a picture");

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(folder, AppId, Configured()));

        Assert.Contains("color.png is not a PNG image", error.Message);
    }

    [Fact]
    public void Build_IconInASubfolder_IsRejectedBecauseThePackageIsFlat()
    {
        var folder = CopyOfManifestFolder();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        manifest["icons"]!["color"] = "icons/color.png";
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(folder, AppId, Configured()));

        Assert.Contains("icons.color 'icons/color.png' must be a file name beside manifest.json", error.Message);
    }

    [Fact]
    public void Build_PlaceholderIdInAFieldItDoesNotFill_IsRejected()
    {
        var folder = CopyOfManifestFolder();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        manifest["webApplicationInfo"] = new JsonObject { ["id"] = TeamsAppPackage.PlaceholderId, ["resource"] = "api://example" };
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());

        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(folder, AppId, Configured()));

        Assert.Contains("placeholder id", error.Message);
    }

    [Fact]
    public void Build_FolderWithoutManifest_SaysWhichFolder()
    {
        var error = Assert.Throws<TeamsAppPackageException>(() => TeamsAppPackage.Build(_folder, AppId, Configured()));

        Assert.Contains(Path.Combine(_folder, "manifest.json") + " not found", error.Message);
    }

    [Fact]
    public void WriteZip_PutsEveryFileAtTheRootAndLeavesNoTemporaryFile()
    {
        var package = TeamsAppPackage.Build(ManifestFolder, AppId, Configured());
        var path = Path.Combine(_folder, "out", "triagebot.zip");

        package.WriteZip(path);

        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["manifest.json", "color.png", "outline.png"], zip.Entries.Select(e => e.FullName));
        Assert.Equal(File.ReadAllBytes(Path.Combine(ManifestFolder, "outline.png")), ReadEntry(zip, "outline.png"));
        Assert.Equal(["triagebot.zip"], Directory.GetFiles(Path.Combine(_folder, "out")).Select(Path.GetFileName));
    }

    [Fact]
    public void PngSize_ReadsTheHeaderAndRejectsOtherFiles()
    {
        Assert.Equal((192, 192), TeamsAppPackage.PngSize(File.ReadAllBytes(Path.Combine(ManifestFolder, "color.png"))));
        Assert.Null(TeamsAppPackage.PngSize("GIF89a and more bytes than a PNG header"u8));
        Assert.Null(TeamsAppPackage.PngSize([]));
    }

    internal static byte[] ReadEntry(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
