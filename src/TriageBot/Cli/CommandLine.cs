using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;

namespace TriageBot.Cli;

/// <summary>The command-line verbs of the host: <c>match</c> and <c>catalog</c>.</summary>
public static class CommandLine
{
    public static readonly string[] Verbs = ["match", "catalog", "help", "--help", "-h"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, string? knowledgePath = null)
    {
        var verb = args[0].ToLowerInvariant();
        if (verb is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        Catalog catalog;
        try
        {
            catalog = CatalogBuilder.Build(knowledgePath ?? KnowledgeLocator.Resolve("knowledge", KnowledgeLocator.ContentRoot()));
        }
        catch (CatalogException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        foreach (var problem in catalog.Problems)
        {
            await stderr.WriteLineAsync($"warning: {problem}");
        }
        var matcher = new ErrorMatcher(catalog);
        return verb switch
        {
            "match" => await MatchAsync(args[1..], matcher, stdin, stdout, stderr),
            _ => await CatalogAsync(catalog, stdout),
        };
    }

    private const string Usage = """
        TriageBot command line
          dotnet run --project src/TriageBot                      start the bot (http://localhost:3978/api/messages)
          dotnet run --project src/TriageBot -- match "text"      rank the documented errors for a pasted text
          dotnet run --project src/TriageBot -- match --jsonl     read {"id","text"} lines on stdin, write one result line each
          dotnet run --project src/TriageBot -- catalog           list the symptoms built from knowledge/
        """;

    private static async Task<int> MatchAsync(string[] args, ErrorMatcher matcher, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "--jsonl")
        {
            await JsonLines.RunAsync(matcher, stdin, stdout);
            return 0;
        }
        var text = args.Length > 0 ? string.Join(' ', args) : await stdin.ReadToEndAsync();
        var result = matcher.Match(text);
        if (result.Notice == "empty")
        {
            await stderr.WriteLineAsync("error: nothing to match: give the error text, e.g. match \"Sign-in address not found\"");
            return 1;
        }
        await stdout.WriteLineAsync($"decision: {result.Decision.ToString().ToLowerInvariant()}   language: {result.Language}{(result.Notice is { } n ? "   (" + n + ")" : "")}");
        if (result.Candidates.Count == 0)
        {
            await stdout.WriteLineAsync("no documented error matches this text.");
            return 0;
        }
        var rank = 0;
        foreach (var c in result.Candidates)
        {
            await stdout.WriteLineAsync($"{++rank,2}. [{c.Score,3}] {c.SymptomId}");
            await stdout.WriteLineAsync($"      message: {c.Message}");
            await stdout.WriteLineAsync($"      matched: {string.Join(" | ", c.MatchedPhrases)}  (words: {string.Join(", ", c.MatchedTerms)})");
            foreach (var cause in c.Causes)
            {
                await stdout.WriteLineAsync($"      cause:   {cause}");
            }
        }
        return 0;
    }

    private static async Task<int> CatalogAsync(Catalog catalog, TextWriter stdout)
    {
        foreach (var d in catalog.Documents)
        {
            await stdout.WriteLineAsync($"document {d.File} [{d.Locale}] {(d.IsPrimary ? "primary" : "localized")}: {d.Entries} rows");
        }
        foreach (var s in catalog.Symptoms)
        {
            await stdout.WriteLineAsync($"{s.Id}");
            foreach (var c in s.Causes)
            {
                var conditions = c.Conditions.Count > 0 ? " {" + string.Join(",", c.Conditions) + "}" : "";
                await stdout.WriteLineAsync($"   {c.Kind,-12} {c.Message.English.Plain}");
                await stdout.WriteLineAsync($"      cause: {c.Text.English.Plain} [{c.Category}]{conditions} langs={string.Join(",", c.Message.Locales)}");
                await stdout.WriteLineAsync($"      fix:   {c.Resolution.English.Title.Plain} ({c.Resolution.English.Blocks.Count} blocks) kb={string.Join(",", c.KbLinks.Select(k => k.Number))}");
            }
            await stdout.WriteLineAsync($"   related kb: {string.Join(", ", s.RelatedKb.Select(k => k.Number))}");
        }
        return 0;
    }
}

/// <summary>
/// <c>match --jsonl</c>: one JSON object per input line, in order. This format is relied on by
/// scripts; see README "Command line".
/// </summary>
public static class JsonLines
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public sealed record Output(string Id, string? Decision, IReadOnlyList<OutputCandidate>? Candidates, string? Notice = null, string? Error = null);

    public sealed record OutputCandidate(string Symptom, string Message, IReadOnlyList<string> Causes, int Score);

    public static async Task RunAsync(ErrorMatcher matcher, TextReader input, TextWriter output)
    {
        var number = 0;
        while (await input.ReadLineAsync() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            await output.WriteLineAsync(JsonSerializer.Serialize(Handle(matcher, line, number), Options));
        }
        await output.FlushAsync();
    }

    public static Output Handle(ErrorMatcher matcher, string line, int number)
    {
        string id = $"line {number}";
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new Output(id, null, null, Error: "expected a JSON object {\"id\": \"...\", \"text\": \"...\"}");
            }
            if (doc.RootElement.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => id,
                };
            }
            if (!doc.RootElement.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                return new Output(id, null, null, Error: "missing string field \"text\"");
            }
            var result = matcher.Match(textElement.GetString());
            return new Output(
                id,
                result.Decision.ToString().ToLowerInvariant(),
                result.Candidates.Select(c => new OutputCandidate(c.SymptomId, c.Message, c.Causes, c.Score)).ToArray(),
                result.Notice == "empty" ? "empty text: nothing to match" : result.Notice);
        }
        catch (JsonException ex)
        {
            return new Output(id, null, null, Error: $"malformed JSON: {ex.Message}");
        }
    }
}
