using System.Text.Json.Nodes;
using TriageBot.TeamsApp;
using Xunit.Abstractions;

namespace TriageBot.Tests.TeamsApp;

/// <summary>manifest/manifest.json as committed: valid against the Teams schema v1.29, and declaring what the bot implements.</summary>
public sealed class ManifestTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("triagebot-manifest-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string ManifestFolder => Path.Combine(RepositoryPaths.Root, "manifest");

    private static JsonObject Manifest() => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestFolder, "manifest.json")))!;

    [Fact]
    public async Task CommittedManifest_PassesTheTeamsSchema()
    {
        var (exit, text) = await ManifestValidator.ValidateAsync(Path.Combine(ManifestFolder, "manifest.json"));

        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("validated 1 manifests against MicrosoftTeams.v1.29.schema.json, 0 problems", text);
    }

    [Fact]
    public async Task Validator_BrokenManifests_AreRejected()
    {
        // Proves the check can fail: each of these breaks one rule of the schema.
        var manifest = Manifest();
        manifest["manifestVersion"] = "1.28";
        manifest.Remove("developer");
        manifest["bots"]![0]!["botId"] = "{{MicrosoftAppId}}";
        manifest["bots"]![0]!["scopes"]!.AsArray().Add("meeting");
        manifest["composeExtensions"]![0]!["commands"]![1]!["type"] = "message";
        manifest["accentColor"] = "blue";
        var broken = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(broken, manifest.ToJsonString());
        var notJson = Path.Combine(_folder, "not-json.json");
        await File.WriteAllTextAsync(notJson, "{ \"manifestVersion\": ");

        var (exit, text) = await ManifestValidator.ValidateAsync(broken, notJson);

        output.WriteLine(text);
        Assert.Equal(1, exit);
        Assert.Contains("/manifestVersion must be equal to constant", text);
        Assert.Contains("must have required property 'developer'", text);
        Assert.Contains("/bots/0/botId must match pattern", text);
        Assert.Contains("/bots/0/scopes/3 must be equal to one of the allowed values", text);
        Assert.Contains("/composeExtensions/0/commands/1/type must be equal to one of the allowed values", text);
        Assert.Contains("/accentColor must match pattern", text);
        Assert.Contains("not-json.json: not readable JSON", text);
        Assert.DoesNotContain(" 0 problems", text);
    }

    [Fact]
    public void CommittedManifest_IsVersion129WithPlaceholderIdsTheSchemaAccepts()
    {
        var manifest = Manifest();

        Assert.Equal("https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json", (string?)manifest["$schema"]);
        Assert.Equal("1.29", (string?)manifest["manifestVersion"]);
        Assert.Equal(TeamsAppPackage.PlaceholderId, (string?)manifest["id"]);
        Assert.Equal(TeamsAppPackage.PlaceholderId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal(TeamsAppPackage.PlaceholderId, (string?)manifest["composeExtensions"]![0]!["botId"]);
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestFolder, "schema", "MicrosoftTeams.v1.29.schema.json")))!;
        Assert.Equal("1.29", (string?)schema["properties"]!["manifestVersion"]!["const"]);
        Assert.Equal("http://json-schema.org/draft-04/schema#", (string?)schema["$schema"]);
    }

    [Fact]
    public void CommittedManifest_BotHasThreeScopesEachWithHelpTriageAndTickets()
    {
        var bot = Manifest()["bots"]!.AsArray().Single()!;

        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.False((bool)bot["supportsFiles"]!);
        var lists = bot["commandLists"]!.AsArray();
        Assert.Equal(["personal", "team", "groupChat"], lists.Select(l => (string)l!["scopes"]!.AsArray().Single()!));
        foreach (var list in lists)
        {
            var commands = list!["commands"]!.AsArray();
            Assert.Equal(["help", "triage", "tickets"], commands.Select(c => (string)c!["title"]!));
            Assert.All(commands, c => Assert.False(string.IsNullOrWhiteSpace((string?)c!["description"])));
        }
    }

    [Fact]
    public void CommittedManifest_MessageExtensionHasTheSearchAndTheMessageAction()
    {
        var extension = Manifest()["composeExtensions"]!.AsArray().Single()!;
        var commands = extension["commands"]!.AsArray().ToDictionary(c => (string)c!["id"]!);

        Assert.Equal(["searchErrors", "triageMessage"], commands.Keys);
        var search = commands["searchErrors"]!;
        Assert.Equal("query", (string?)search["type"]);
        Assert.Equal("Search documented errors", (string?)search["title"]);
        Assert.False((bool)search["initialRun"]!);
        Assert.Equal(["compose", "commandBox"], search["context"]!.AsArray().Select(c => (string)c!));
        var parameter = search["parameters"]!.AsArray().Single()!;
        Assert.Equal("errorText", (string?)parameter["name"]);
        Assert.Equal("Error text", (string?)parameter["title"]);

        var action = commands["triageMessage"]!;
        Assert.Equal("action", (string?)action["type"]);
        Assert.Equal("Triage this message", (string?)action["title"]);
        Assert.Equal(["message"], action["context"]!.AsArray().Select(c => (string)c!));
        Assert.True((bool)action["fetchTask"]!);
    }

    [Fact]
    public void CommittedManifest_IconsAreFilesBesideIt()
    {
        var icons = Manifest()["icons"]!;

        Assert.Equal("color.png", (string?)icons["color"]);
        Assert.Equal("outline.png", (string?)icons["outline"]);
        Assert.True(File.Exists(Path.Combine(ManifestFolder, "color.png")));
        Assert.True(File.Exists(Path.Combine(ManifestFolder, "outline.png")));
    }
}
