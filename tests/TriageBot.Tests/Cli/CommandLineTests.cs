using System.Text.Json;
using TriageBot.Cli;

namespace TriageBot.Tests.Cli;

public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(string[] args, string stdin = "", string? knowledge = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, new StringReader(stdin), stdout, stderr, knowledge ?? RepositoryPaths.Knowledge);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Match_Text_PrintsRankedCandidatesForAPerson()
    {
        var (exit, output, _) = await Run(["match", "Hi! Lync says: Sign-in address not found"]);

        Assert.Equal(0, exit);
        Assert.StartsWith("decision: match", output);
        Assert.Contains("1. [", output);
        Assert.Contains("sign-in-address-not-found", output);
        Assert.Contains("cause:", output);
    }

    // For whoever curates the data: why a paste got its answer.
    [Fact]
    public async Task MatchExplain_PrintsWhatThePasteWasReadAs()
    {
        var (exit, output, _) = await Run(["match", "--explain", "Forgot my VPN password, Skype and Outlook work fine though."]);

        Assert.Equal(0, exit);
        Assert.StartsWith("decision: none", output);
        Assert.Contains("read as: names product: no, product works: yes, problem: yes, other system: yes", output);
    }

    [Fact]
    public async Task Match_EmptyText_IsAClearError()
    {
        var (exit, _, error) = await Run(["match", "   "]);

        Assert.Equal(1, exit);
        Assert.Contains("nothing to match", error);
    }

    [Fact]
    public async Task MatchJsonl_WritesOneLinePerInputInOrder()
    {
        const string input = """
            {"id": "a", "text": "Server is temporarily unavailable"}
            {"id": "b", "text": "the printer is offline"}
            {"id": 7, "text": "找不到的登录地址"}
            """;

        var (exit, output, _) = await Run(["match", "--jsonl"], input);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["a", "b", "7"], lines.Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(["match", "none", "match"], lines.Select(l => l.GetProperty("decision").GetString()));
        var top = lines[0].GetProperty("candidates")[0];
        Assert.Equal("server-is-temporarily-unavailable", top.GetProperty("symptom").GetString());
        Assert.Equal("Server is temporarily unavailable", top.GetProperty("message").GetString());
        Assert.Equal(100, top.GetProperty("score").GetInt32());
        Assert.Equal(3, top.GetProperty("causes").GetArrayLength());
        Assert.Equal("Sign-in address not found", lines[2].GetProperty("candidates")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task MatchJsonl_MalformedLines_GetAnErrorLineAndTheRestContinue()
    {
        const string input = """
            {"id": "ok1", "text": "User is not SIP enabled"}
            {this is not json
            {"id": "no-text"}
            [1, 2]
            {"id": "empty", "text": ""}
            {"id": "ok2", "text": "Forgotten password"}
            """;

        var (_, output, _) = await Run(["match", "--jsonl"], input);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, lines.Count);
        Assert.Equal("ok1", lines[0].GetProperty("id").GetString());
        Assert.Equal("line 2", lines[1].GetProperty("id").GetString());
        Assert.StartsWith("malformed JSON", lines[1].GetProperty("error").GetString());
        Assert.Equal("no-text", lines[2].GetProperty("id").GetString());
        Assert.Contains("text", lines[2].GetProperty("error").GetString());
        Assert.Equal("line 4", lines[3].GetProperty("id").GetString());
        Assert.Equal("none", lines[4].GetProperty("decision").GetString());
        Assert.Contains("empty", lines[4].GetProperty("notice").GetString());
        Assert.Equal("ok2", lines[5].GetProperty("id").GetString());
        Assert.Equal("match", lines[5].GetProperty("decision").GetString());
    }

    // A text the matcher fails on gets an error line for its id; the lines after it are still matched.
    [Fact]
    public void JsonLines_MatcherFailure_IsAnErrorLineForThatId()
    {
        var output = JsonLines.Handle(_ => throw new InvalidOperationException("index out of step"), """{"id": "x1", "text": "Sign-in address not found"}""", 3);

        Assert.Equal("x1", output.Id);
        Assert.Null(output.Decision);
        Assert.Equal("matching failed: InvalidOperationException: index out of step", output.Error);
    }

    [Fact]
    public async Task Catalog_ListsSymptomsAndDocuments()
    {
        var (exit, output, _) = await Run(["catalog"]);

        Assert.Equal(0, exit);
        Assert.Contains("document articles/sfb-sign-in-errors-admins.zh-tw.md [zh-tw] localized: 14 rows", output);
        Assert.Contains("user-is-not-sip-enabled", output);
    }

    [Fact]
    public async Task AnyVerb_WithoutKnowledge_FailsWithTheReason()
    {
        var (exit, _, error) = await Run(["match", "x"], knowledge: Path.Combine(Path.GetTempPath(), "no-such-knowledge-" + Guid.NewGuid()));

        Assert.Equal(2, exit);
        Assert.Contains("knowledge folder not found", error);
    }

    [Fact]
    public async Task Help_PrintsUsage()
    {
        var (exit, output, _) = await Run(["help"]);

        Assert.Equal(0, exit);
        Assert.Contains("match --jsonl", output);
    }
}
