using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;
using TriageBot.EndToEnd.Harness;
using TriageBot.Testing;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>
/// Two TriageBot processes on one PostgreSQL database, one killed with SIGKILL in the middle of a run and started
/// again. Users create tickets through /api/messages ("talk to a human", then the hand-over form) on both; the
/// helpdesk's connector (a fake on 127.0.0.1) refuses new channel threads with 500 and 429 for a while, so the
/// tickets wait in the outbox. The instance holding the outbox lease is the one killed; conversations it had started
/// are finished on the other, whose dispatcher takes the lease over once it runs out; then the connector recovers and
/// the killed instance comes back. Every ticket created must reach the helpdesk channel (a POST v3/conversations with
/// the ticket's card, matching the stored ticket), each conversation must hold exactly its own ticket, and nothing
/// may be left in the outbox. Bounded: a fixed number of tickets, and every wait has a limit.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class KilledInstanceTests(PostgresFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string HelpdeskChannel = "19:helpdesk@thread.tacv2";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly string _table = PostgresTestServer.NewTableName();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly List<BotProcess> _bots = [];
    private readonly List<CreatedTicket> _tickets = [];
    private FakeConnector _connector = null!;

    public async Task InitializeAsync() => _connector = await FakeConnector.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var bot in _bots)
        {
            await bot.DisposeAsync();
        }

        await _connector.DisposeAsync();
        _http.Dispose();
        fixture.Server.DropTable(_table);
    }

    [Fact]
    public async Task OutboxHolderKilledMidRun_OtherInstanceTakesOver_EveryTicketReachesTheHelpdeskChannel()
    {
        _connector.FailNewConversations = true;
        var first = await StartBotAsync();
        var second = await StartBotAsync();

        // Tickets on both instances while the helpdesk channel refuses them: they wait in the outbox.
        for (var i = 0; i < 6; i++)
        {
            await CreateTicketAsync(i % 2 == 0 ? first : second, $"a:killed-{i}");
        }

        await WaitUntilAsync(async () => _connector.Refusals >= 2 && await LeaseOwnerAsync() is not null, "deliveries refused and the outbox lease held");
        var holderPid = (await LeaseOwnerAsync())!.Value;
        var victim = _bots.Single(b => b.ProcessId == holderPid);
        var survivor = first == victim ? second : first;
        output.WriteLine($"[test] the outbox lease is held by process {holderPid}; killing it");

        // Conversations the victim starts and the survivor finishes.
        var forms = new List<(string Conversation, JsonElement[] Form)>();
        for (var i = 6; i < 9; i++)
        {
            forms.Add(($"a:killed-{i}", await TurnAsync(victim, $"a:killed-{i}", "talk to a human")));
        }

        await victim.KillAsync();
        Assert.True(victim.HasExited);

        foreach (var (conversation, form) in forms)
        {
            await SubmitFormAsync(survivor, conversation, form);
        }

        await CreateTicketAsync(survivor, "a:killed-9");
        await WaitUntilAsync(async () => await LeaseOwnerAsync() == survivor.ProcessId, "the survivor took the outbox lease over");
        Assert.Empty(Delivered());

        // The helpdesk channel works again, and the killed instance comes back.
        _connector.FailNewConversations = false;
        var restarted = await StartBotAsync();
        for (var i = 10; i < 13; i++)
        {
            await CreateTicketAsync(i % 2 == 0 ? restarted : survivor, $"a:killed-{i}");
        }

        await WaitUntilAsync(() => Task.FromResult(_tickets.All(t => Delivered().ContainsKey(t.Id))), "every ticket delivered");
        await WaitUntilAsync(async () => (await PendingDeliveriesAsync()).Count == 0, "the outbox empty");

        // Every ticket reached the channel once or more (at least once: a delivery cut by the kill may repeat),
        // with the card of the ticket as stored; nothing else was posted there.
        var delivered = Delivered();
        Assert.Equal(_tickets.Select(t => t.Id).Order(), delivered.Keys.Order());
        Assert.Equal(13, _tickets.Select(t => t.Id).Distinct().Count());
        foreach (var ticket in _tickets)
        {
            var stored = (await ReadAsync($"escalation/tickets/{ticket.Id}"))!;
            Assert.Equal(ticket.Conversation, stored["request"]!["requester"]!["conversation"]!["conversation"]!["id"]!.GetValue<string>());
            Assert.Equal(ticket.SignInAddress, stored["request"]!["form"]!["signInAddress"]!.GetValue<string>());
            Assert.Equal(ticket.Note, stored["request"]!["form"]!["anythingElse"]!.GetValue<string>());
            Assert.All(delivered[ticket.Id], card =>
            {
                Assert.Contains(ticket.Id, card);
                Assert.Contains(ticket.SignInAddress, card);
                Assert.Contains(ticket.Note, card);
            });
            Assert.InRange(delivered[ticket.Id].Count, 1, 2);
            Assert.NotNull(stored["channelPost"]);

            // The conversation ended its hand-over with this ticket, and holds no other.
            var state = (await ReadAsync($"msteams/conversations/{ticket.Conversation}"))!;
            Assert.Empty(state["state"]!["dialogState"]!["dialogStack"]!.AsArray());
        }

        var open = (await ReadAsync("escalation/open-tickets"))!["ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(_tickets.Select(t => t.Id).Order(), open.Order());
        Assert.All(_connector.Calls.Where(c => c.Path == "/v3/conversations" && c.Status == 201), c => Assert.Contains(HelpdeskChannel, c.Body));
    }

    private async Task<BotProcess> StartBotAsync()
    {
        var bot = await BotProcess.StartAsync(TriageBotRepository.TriageBotDll, new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = "",
            ["Storage__Provider"] = "Postgres",
            ["Storage__ConnectionString"] = fixture.Server.ConnectionString,
            ["Storage__TableName"] = _table,
            ["Escalation__HelpdeskChannelId"] = HelpdeskChannel,
            ["Escalation__HelpdeskServiceUrl"] = _connector.ServiceUrl,
            ["Escalation__DispatchInterval"] = "00:00:00.200",
            ["Escalation__LeaseDuration"] = "00:00:03",
            ["Escalation__RetryBaseDelay"] = "00:00:00.300",
            ["Escalation__RetryMaxDelay"] = "00:00:01",
            ["BotFramework__Connector__BaseDelay"] = "00:00:00.050",
            ["BotFramework__Connector__MaxAttempts"] = "2",
        }, log: output.WriteLine);
        _bots.Add(bot);
        return bot;
    }

    private async Task CreateTicketAsync(BotProcess bot, string conversation) =>
        await SubmitFormAsync(bot, conversation, await TurnAsync(bot, conversation, "talk to a human"));

    /// <summary>Fills in and submits the hand-over form of <paramref name="form"/>; records the ticket the bot names.</summary>
    private async Task SubmitFormAsync(BotProcess bot, string conversation, JsonElement[] form)
    {
        var data = form.Select(a => FindSubmit(JsonNode.Parse(a.GetRawText()))).FirstOrDefault(d => d is not null)
            ?? throw new InvalidOperationException($"No form in the replies in {conversation}: {string.Join(", ", form.Select(f => f.GetRawText()))}");
        var signIn = $"{conversation.Replace(":", "-", StringComparison.Ordinal)}@contoso.com";
        var note = $"cannot sign in ({conversation})";
        data["signInAddress"] = signIn;
        data["clientApp"] = "Skype for Business 2016";
        data["anythingElse"] = note;
        var replies = await TurnAsync(bot, conversation, null, data);
        var text = replies.Single().GetProperty("text").GetString() ?? "";
        var ticketId = TicketId().Match(text).Value;
        Assert.False(string.IsNullOrEmpty(ticketId), $"No ticket number in {conversation}: {text}");
        lock (_tickets)
        {
            _tickets.Add(new CreatedTicket(ticketId, conversation, signIn, note));
        }

        output.WriteLine($"[test] {conversation}: {ticketId} on process {bot.ProcessId}");
    }

    /// <summary>One user turn with expectReplies; its replies (never the apology or the storage message).</summary>
    private async Task<JsonElement[]> TurnAsync(BotProcess bot, string conversation, string? text, JsonObject? value = null)
    {
        var activity = Message(conversation, text);
        if (value is not null)
        {
            activity["value"] = value;
        }

        using var response = await _http.PostAsJsonAsync(bot.MessagesEndpoint, activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities").EnumerateArray().ToArray();
        Assert.NotEmpty(replies);
        Assert.All(replies, r => Assert.DoesNotContain("Sorry,", r.TryGetProperty("text", out var t) ? t.GetString() ?? "" : ""));
        return replies;
    }

    /// <summary>The cards posted to the helpdesk channel (new threads the connector accepted), by ticket id.</summary>
    private Dictionary<string, List<string>> Delivered() =>
        _connector.Calls
            .Where(c => c is { Method: "POST", Path: "/v3/conversations", Status: 201 })
            .Select(c => JsonNode.Parse(c.Body)!["activity"]!["attachments"]![0]!["content"]!.ToJsonString())
            .GroupBy(card => TicketId().Match(card).Value)
            .ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>The process id in the outbox lease, while the lease is current.</summary>
    private async Task<int?> LeaseOwnerAsync()
    {
        var lease = await ReadAsync("escalation/dispatcher-lease");
        if (lease?["owner"]?.GetValue<string>() is not { } owner || lease["until"]!.GetValue<DateTimeOffset>() <= DateTimeOffset.UtcNow)
        {
            return null;
        }

        return int.Parse(owner.Split('/')[^2], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> PendingDeliveriesAsync() =>
        (await ReadAsync("escalation/pending-deliveries"))?["ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    /// <summary>One item of the bots' table, as stored (JSON), or null.</summary>
    private async Task<JsonNode?> ReadAsync(string key)
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT json FROM \"{_table}\" WHERE key = $1", connection) { Parameters = { new() { Value = key } } };
        return await command.ExecuteScalarAsync() is string json ? JsonNode.Parse(json) : null;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds, for at most <see cref="Limit"/>.</summary>
    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Limit)
            {
                throw new TimeoutException($"Not within {Limit}: {what}. Delivered: {string.Join(", ", Delivered().Keys)}; created: {string.Join(", ", _tickets.Select(t => t.Id))}; "
                    + $"pending: {string.Join(", ", await PendingDeliveriesAsync())}; calls: {_connector.Calls.Count}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        output.WriteLine($"[test] {what} after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static JsonObject? FindSubmit(JsonNode? node) => node switch
    {
        JsonObject o when o["type"]?.GetValue<string>() == "Action.Submit" && o["data"] is JsonObject data => (JsonObject)data.DeepClone(),
        JsonObject o => o.Select(p => FindSubmit(p.Value)).FirstOrDefault(d => d is not null),
        JsonArray a => a.Select(FindSubmit).FirstOrDefault(d => d is not null),
        _ => null,
    };

    [GeneratedRegex(@"TB-\d+")]
    private static partial Regex TicketId();

    private sealed record CreatedTicket(string Id, string Conversation, string SignInAddress, string Note);
}
