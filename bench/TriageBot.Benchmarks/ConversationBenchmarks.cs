using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;
using TriageBot.Testing;

namespace TriageBot.Benchmarks;

/// <summary>
/// One whole 3-turn conversation of the load benchmark's path (bench/load/triagebot-path.txt) through the bot as the
/// host wires it (<c>AddTriageBot</c>, <c>MapTriageBot</c>): each turn is a request body as the wrk driver posts it
/// (expectReplies, msteams, a new conversation per operation) handed to the <see cref="IBotFrameworkHttpAdapter"/>,
/// so the adapter, the replay guard, the activity handler, the triage dialog, conversation state and the storage
/// all run, without Kestrel and the network. The storage is the one of <see cref="Storage"/>: in-memory, SQLite in
/// a new temp file, or PostgreSQL (a throwaway cluster like the tests', or TRIAGEBOT_TEST_POSTGRES's server).
/// On the project's shared 2-core machines the mean moves with the neighbours' load; compare the minimum and the
/// allocated bytes (which do not) between builds run back to back.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class ConversationBenchmarks
{
    private readonly string[] _turns = new string[3];
    private WebApplication _app = null!;
    private IBotFrameworkHttpAdapter _adapter = null!;
    private IBot _bot = null!;
    private string? _directory;
    private PostgresTestServer? _postgres;
    private long _conversations;

    [Params("Memory", "Sqlite", "Postgres")]
    public string Storage { get; set; } = "Memory";

    [GlobalSetup]
    public async Task Setup()
    {
        var path = LoadPath.Read();
        for (var i = 0; i < 3; i++)
        {
            _turns[i] = path[i].Text;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = RepositoryPaths.Root, EnvironmentName = "Production" });
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = Storage,
            // As bench/load/run.sh runs the bot: authentication off, logging at Warning, no helpdesk channel or webhook.
            ["MicrosoftAppId"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Escalation:HelpdeskChannelId"] = "",
            ["Escalation:WebhookUrl"] = "",
        };
        switch (Storage)
        {
            case "Sqlite":
                _directory = Directory.CreateTempSubdirectory("triagebot-bench-").FullName;
                settings["Storage:DatabasePath"] = Path.Combine(_directory, "bench.db");
                break;
            case "Postgres":
                _postgres = PostgresTestServer.Start();
                settings["Storage:ConnectionString"] = _postgres.ConnectionString;
                settings["Storage:TableName"] = PostgresTestServer.NewTableName();
                break;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTriageBot(builder.Configuration, RepositoryPaths.Root);
        _app = builder.Build();
        _app.MapTriageBot();
        _adapter = _app.Services.GetRequiredService<IBotFrameworkHttpAdapter>();
        _bot = _app.Services.GetRequiredService<IBot>();

        // The path must give the replies the load benchmark checks for, else the numbers measure something else.
        var conversation = "bench-check";
        for (var turn = 1; turn <= 3; turn++)
        {
            var reply = await PostAsync(conversation, turn, new MemoryStream());
            var expected = path[turn - 1].Expect;
            if (!reply.Contains(expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Turn {turn} did not answer with '{expected}': {reply}");
            }
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _app.DisposeAsync();
        _postgres?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The three turns of one new conversation.</summary>
    [Benchmark]
    public async Task Conversation()
    {
        var conversation = "bench-" + Interlocked.Increment(ref _conversations);
        for (var turn = 1; turn <= 3; turn++)
        {
            await PostAsync(conversation, turn, Stream.Null);
        }
    }

    private async Task<string> PostAsync(string conversation, int turn, Stream responseBody)
    {
        // The wrk driver's body (the shared bench/botbuilder-js/dialog.lua), field for field.
        var text = System.Text.Json.JsonEncodedText.Encode(_turns[turn - 1]).ToString();
        var body = $$"""
            {"type":"message","id":"{{conversation}}-{{turn}}","timestamp":"2025-01-01T00:00:00.000Z","serviceUrl":"http://127.0.0.1:9/","channelId":"msteams","from":{"id":"user-{{conversation}}","name":"Load User"},"conversation":{"id":"{{conversation}}","conversationType":"personal","tenantId":"tenant-load"},"recipient":{"id":"bot","name":"Helpdesk Bot"},"locale":"en-US","textFormat":"plain","deliveryMode":"expectReplies","text":"{{text}}"}
            """;
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes, writable: false);
        context.Response.Body = responseBody;
        await _adapter.ProcessAsync(context.Request, context.Response, _bot);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"Turn {turn} of {conversation} answered {context.Response.StatusCode}.");
        }

        return responseBody is MemoryStream written ? Encoding.UTF8.GetString(written.ToArray()) : "";
    }
}
