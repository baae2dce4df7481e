using System.Text.Json;
using System.Text.Json.Serialization;
using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.TeamsApp;

namespace TriageBot.Cli;

/// <summary>The command-line verbs of the host: <c>match</c>, <c>catalog</c> and <c>package</c>.</summary>
public static class CommandLine
{
    public static readonly string[] Verbs = ["match", "catalog", "package", "help", "--help", "-h"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    /// <param name="configuration">For <c>package</c>; by default appsettings.json and environment variables, as the bot reads them.</param>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, string? knowledgePath = null, IConfiguration? configuration = null)
    {
        var verb = args[0].ToLowerInvariant();
        if (verb is "help" or "--help" or "-h")
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        if (verb == "package")
        {
            return await PackageAsync(args[1..], configuration ?? HostConfiguration(), stdout, stderr);
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
          dotnet run --project src/TriageBot -- match --explain "text"
                                                                  the same, and what the paste was read as (names the product,
                                                                  says it works, a problem, another system, a request, ...)
          dotnet run --project src/TriageBot -- match --jsonl     read {"id","text"} lines on stdin, write one result line each
          dotnet run --project src/TriageBot -- catalog           list the symptoms built from knowledge/
          dotnet run --project src/TriageBot -- package [--out triagebot.zip] [--manifest-dir manifest]
                                                                  write the Teams app package: manifest.json and icons from
                                                                  manifest/, with the app and bot id from MicrosoftAppId and
                                                                  the developer URLs from TeamsApp:* (appsettings.json or
                                                                  environment variables, e.g. MicrosoftAppId=<guid>)
        """;

    private static async Task<int> PackageAsync(string[] args, IConfiguration configuration, TextWriter stdout, TextWriter stderr)
    {
        var output = "triagebot.zip";
        string? manifestDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--out" or "--manifest-dir" && i + 1 < args.Length)
            {
                if (args[i] == "--out")
                {
                    output = args[++i];
                }
                else
                {
                    manifestDirectory = args[++i];
                }
                continue;
            }
            await stderr.WriteLineAsync($"error: unknown argument '{args[i]}': usage: package [--out triagebot.zip] [--manifest-dir manifest]");
            return 1;
        }
        // Relative paths are taken from the clone's root: `dotnet run --project src/TriageBot` runs
        // in src/TriageBot, but the person typed the command at the root.
        var baseDirectory = KnowledgeLocator.CloneRoot() ?? Directory.GetCurrentDirectory();
        output = KnowledgeLocator.Resolve(output, baseDirectory);
        manifestDirectory = manifestDirectory is null
            ? KnowledgeLocator.Resolve("manifest", KnowledgeLocator.ContentRoot())
            : KnowledgeLocator.Resolve(manifestDirectory, baseDirectory);

        TeamsAppPackage package;
        try
        {
            package = TeamsAppPackage.Build(manifestDirectory, configuration["MicrosoftAppId"], configuration.GetSection("TeamsApp").Get<TeamsAppOptions>() ?? new TeamsAppOptions());
        }
        catch (TeamsAppPackageException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            await stderr.WriteLineAsync("no package written.");
            return 1;
        }
        foreach (var warning in package.Warnings)
        {
            await stderr.WriteLineAsync($"warning: {warning}");
        }
        package.WriteZip(output);
        await stdout.WriteLineAsync($"wrote {output}: {string.Join(", ", package.Files.Select(f => f.Name))}");
        await stdout.WriteLineAsync("upload it in Teams (Apps > Manage your apps > Upload an app) or in the Teams admin center; see README \"Install in Teams\".");
        return 0;
    }

    /// <summary>The configuration the bot itself starts with: appsettings.json (and the environment's file) under the environment variables.</summary>
    private static IConfiguration HostConfiguration()
    {
        var root = KnowledgeLocator.ContentRoot();
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(root, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(root, $"appsettings.{environment}.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
    }

    private static async Task<int> MatchAsync(string[] args, ErrorMatcher matcher, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "--jsonl")
        {
            await JsonLines.RunAsync(matcher, stdin, stdout);
            return 0;
        }
        var explain = args.Length > 0 && args[0] == "--explain";
        if (explain)
        {
            args = args[1..];
        }
        var text = args.Length > 0 ? string.Join(' ', args) : await stdin.ReadToEndAsync();
        var result = matcher.Match(text);
        if (result.Notice == "empty")
        {
            await stderr.WriteLineAsync("error: nothing to match: give the error text, e.g. match \"Sign-in address not found\"");
            return 1;
        }
        await stdout.WriteLineAsync($"decision: {result.Decision.ToString().ToLowerInvariant()}   language: {result.Language}{(result.Notice is { } n ? "   (" + n + ")" : "")}");
        if (explain)
        {
            await stdout.WriteLineAsync($"read as: {matcher.Explain(text)}");
        }
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
            await output.WriteLineAsync(JsonSerializer.Serialize(Handle(matcher.Match, line, number), Options));
        }
        await output.FlushAsync();
    }

    /// <summary>
    /// One input line's output line. A line that is no <c>{"id","text"}</c> object, or whose text the matcher fails on, gets an error
    /// line for its id (or line number): the lines after it are still matched.
    /// </summary>
    public static Output Handle(Func<string?, MatchResult> match, string line, int number)
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
            var result = match(textElement.GetString());
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
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new Output(id, null, null, Error: $"matching failed: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
