using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Dialogs;
using TriageBot.Protocol.Builder;
using TriageBot.Tests.Integration.Support;
using TriageBot.Tests.Resilience.Support;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// The storage failing on demand (<see cref="OutageStorage"/> in front of memory storage): /healthz says so with
/// 503 and a reason while it lasts, and 200 again after; a turn during the outage gets the short "try again in a
/// moment" in the user's language, promptly, and keeps the conversation's state; the next turn after it continues
/// where the conversation was. A conflict that does not go away is answered the same way, never by wiping the state.
/// </summary>
public sealed class StorageOutageTests : IDisposable
{
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";
    private const string CustomDomainQuestion = "sign in with its own (custom) domain";

    private const string TryAgainText = TestActivities.TryAgainText;

    private const string AgentAadObjectId = "00000000-0000-0000-0000-00000000a9e7";

    private readonly OutageStorage _storage = new(new MemoryStorage());
    private readonly InstanceApp _app;

    public StorageOutageTests()
    {
        // One agent by Entra id, so an agent's button press gets as far as the (unreachable) tickets.
        _app = InstanceApp.Memory("outage", _ => _storage, new Dictionary<string, string?> { ["Escalation:AgentAadObjectIds:0"] = AgentAadObjectId });
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Healthz_StorageUnreachable_Is503WithAReason_AndHealthyAgainWhenItIsBack()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        _storage.Down = true;
        var down = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/json", down.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("The storage cannot be reached.", body.GetProperty("reason").GetString());
        Assert.DoesNotContain("connection refused", body.GetRawText(), StringComparison.OrdinalIgnoreCase);

        _storage.Down = false;
        var back = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await back.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_StorageReadFailsOtherwise_Is503()
    {
        _storage.Down = true;
        _storage.Failure = () => new IOException("disk error");

        var response = await _app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("The storage could not be read.", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Message_DuringOutage_TryAgainReply_StateKept_ConversationContinuesAfterIt()
    {
        var chat = new Chat("a:outage");
        await chat.SayAsync(_app, Paste);
        var before = await StoredStateAsync(chat);

        _storage.Down = true;
        var during = await chat.SayAsync(_app, "E");

        Assert.Equal(TryAgainText, Assert.Single(during.Activities).GetProperty("text").GetString());
        _storage.Down = false;
        Assert.Equal(before, await StoredStateAsync(chat));
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Warning && e.IsAboutConversation("a:outage") && e.Exception is StorageUnavailableException);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error && e.IsAboutConversation("a:outage"));

        Assert.Contains(CustomDomainQuestion, (await chat.SayAsync(_app, "E")).Text);
    }

    [Fact]
    public async Task Message_StorageReadsButCannotWrite_TryAgainReplyInsteadOfTheNextQuestion_StateKept()
    {
        var chat = new Chat("a:outage-on-write");
        await chat.SayAsync(_app, Paste);
        var before = await StoredStateAsync(chat);

        _storage.WritesDown = true;
        var during = await chat.SayAsync(_app, "E");
        _storage.WritesDown = false;

        // The question that would have come next describes state that was not saved: it is not sent.
        Assert.Equal(TryAgainText, Assert.Single(during.Activities).GetProperty("text").GetString());
        Assert.Equal(before, await StoredStateAsync(chat));
        Assert.Contains(CustomDomainQuestion, (await chat.SayAsync(_app, "E")).Text);
    }

    [Theory]
    [InlineData("en-US", "en-us")]
    [InlineData("de-DE", "de-de")]
    [InlineData("zh-CN", "zh-cn")]
    [InlineData("zh-TW", "zh-tw")]
    public async Task Message_DuringOutage_TryAgainInTheUsersLanguage(string clientLocale, string language)
    {
        _storage.Down = true;

        var replies = await new Chat("a:outage-" + language, clientLocale).SayAsync(_app, "help");

        var expected = _app.Services.GetRequiredService<BotTexts>().Get("storage-unavailable", language);
        Assert.Equal(expected, Assert.Single(replies.Activities).GetProperty("text").GetString());
        Assert.Equal(language == "en-us", expected == TryAgainText);
    }

    [Fact]
    public async Task Message_DuringOutageThroughTheConnector_TryAgainIsPostedAsTheReply()
    {
        _storage.Down = true;
        var activity = TestActivities.Message("E", "a:outage-connector", id: "1700000000321");

        var response = await TestActivities.PostAsync(_app.CreateClient(), activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(_app.Connector.Requests);
        Assert.EndsWith("/activities/1700000000321", call.Uri.AbsolutePath);
        Assert.Equal(TryAgainText, JsonDocument.Parse(call.Body!).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Message_ConflictOnEveryAttempt_TryAgainReply_StateNotDeleted()
    {
        var chat = new Chat("a:conflict-forever");
        await chat.SayAsync(_app, Paste);
        var before = await StoredStateAsync(chat);

        _storage.ConflictingWrites = -1;
        var replies = await chat.SayAsync(_app, "E");
        _storage.ConflictingWrites = 0;

        Assert.Equal(TryAgainText, Assert.Single(replies.Activities).GetProperty("text").GetString());
        Assert.Equal(before, await StoredStateAsync(chat));
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Warning && e.IsAboutConversation("a:conflict-forever") && e.Exception is StorageConcurrencyException);
        Assert.Contains(CustomDomainQuestion, (await chat.SayAsync(_app, "E")).Text);
    }

    [Fact]
    public async Task Message_ConflictOnce_TheTurnRunsAgainAndAnswersOnce()
    {
        var chat = new Chat("a:conflict-once");
        await chat.SayAsync(_app, Paste);

        _storage.ConflictingWrites = 1;
        var replies = await chat.SayAsync(_app, "E");

        Assert.Contains(CustomDomainQuestion, Assert.Single(replies.Activities).GetRawText());
        Assert.Equal(0, _storage.ConflictingWrites);
    }

    [Fact]
    public async Task ActionExecute_DuringOutage_AnswersWithTheCardErrorToTryAgain()
    {
        _storage.Down = true;
        var invoke = new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = "inv-1",
            ["channelId"] = "msteams",
            ["serviceUrl"] = TestActivities.LoopbackServiceUrl,
            ["from"] = new JsonObject { ["id"] = "29:agent", ["aadObjectId"] = AgentAadObjectId },
            ["recipient"] = new JsonObject { ["id"] = TestActivities.BotId },
            ["conversation"] = new JsonObject { ["id"] = "19:helpdesk@thread.tacv2;messageid=1" },
            ["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "ticket.assign", ["data"] = new JsonObject { ["ticketId"] = "TB-1001" } } },
        };

        var response = await TestActivities.PostAsync(_app.CreateClient(), invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(503, body.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/vnd.microsoft.error", body.GetProperty("type").GetString());
        Assert.Equal(TryAgainText, body.GetProperty("value").GetProperty("message").GetString());
    }

    private async Task<string?> StoredStateAsync(Chat chat)
    {
        var items = await _storage.Inner.ReadAsync([chat.StateKey]);
        return items.TryGetValue(chat.StateKey, out var item) ? ((JsonObject)item).ToJsonString() : null;
    }
}
