using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Schema;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// The hand-over over HTTP through the real app: a user escalates in their chat, the outbox posts the ticket card to
/// the helpdesk channel through the (fake) connector, an agent presses the card's buttons (adaptiveCard/action
/// invokes), and the user's chat hears of it. The app's clock is a <see cref="FakeTimeProvider"/>, so the
/// dispatcher's own loop never ticks; the tests run its rounds themselves.
/// </summary>
public sealed class HelpdeskAppTests : IDisposable
{
    private const string HelpdeskChannel = "19:helpdesk@thread.tacv2";
    private const string HelpdeskServiceUrl = "http://127.0.0.1:5/amer/";
    private const string CardActivityId = "1700000009001";
    private const string Thread = HelpdeskChannel + ";messageid=" + CardActivityId;
    private const string UserChat = "a:1ada-personal-chat";
    private const string AgentId = "29:1agent-megan";
    private const string StrangerId = "29:1stranger";

    private readonly App _app = new();
    private readonly HttpClient _client;

    public HelpdeskAppTests()
    {
        _app.Connector.SetFallback(FakeTeams);
        _client = _app.CreateClient();
    }

    public void Dispose() => _app.Dispose();

    private sealed class App : TriageBotAppFactory
    {
        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

        protected override void ConfigureSettings(IWebHostBuilder builder)
        {
            builder.UseSetting("Escalation:HelpdeskChannelId", HelpdeskChannel);
            builder.UseSetting("Escalation:HelpdeskServiceUrl", HelpdeskServiceUrl);
            builder.UseSetting("Escalation:DispatchInterval", "00:00:01");
        }

        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Time);
    }

    [Fact]
    public async Task AgentAssignsOnThePostedCard_CardAnswersAssignedAndTheUserIsToldInTheirChat()
    {
        var card = await EscalateAndPostTheCardAsync();
        _app.Connector.Reset();
        _app.Connector.SetFallback(FakeTeams);

        var response = await TestActivities.PostAsync(_client, Invoke(AgentId, "Megan Bowen", Action(card, "ticket.assign")));

        var updated = await CardOfAsync(response);
        Assert.Contains("Assigned to Megan Bowen", Texts(updated));
        Assert.Contains("Megan Bowen took the ticket", Texts(updated));
        var lookup = Assert.Single(_app.Connector.Requests);
        Assert.Equal((HttpMethod.Get, $"/emea/v3/conversations/{Uri.EscapeDataString(HelpdeskChannel)}/members/{Uri.EscapeDataString(AgentId)}"), (lookup.Method, lookup.Uri.AbsolutePath));
        var stored = (await Tickets.GetAsync("TB-1001"))!;
        Assert.Equal((TicketStatus.Assigned, AgentId), (stored.Status, stored.Assignee?.Id));

        Assert.Equal(2, await DispatchAsync());

        var toUser = Assert.Single(_app.Connector.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal($"/emea/v3/conversations/{Uri.EscapeDataString(UserChat)}/activities", toUser.Uri.AbsolutePath);
        var message = JsonDocument.Parse(toUser.Body!).RootElement;
        Assert.Equal("**Megan Bowen** from the helpdesk is now working on your ticket **TB-1001**.", message.GetProperty("text").GetString());
        Assert.Equal(TestActivities.UserId, message.GetProperty("recipient").GetProperty("id").GetString());
        var cardUpdate = Assert.Single(_app.Connector.Requests, r => r.Method == HttpMethod.Put);
        Assert.Equal($"/amer/v3/conversations/{Uri.EscapeDataString(Thread)}/activities/{CardActivityId}", cardUpdate.Uri.AbsolutePath);
        Assert.Contains("Assigned to Megan Bowen", Texts(CardIn(cardUpdate)));
        Assert.Empty(await Outbox.ListPendingAsync());
    }

    [Fact]
    public async Task NonAgentPressesResolveWithAForgedTeam_ErrorCardWithNothingOfTheTicketAndTheTicketUnchanged()
    {
        var card = await EscalateAndPostTheCardAsync();
        var before = JsonSerializer.Serialize(await Tickets.GetAsync("TB-1001"), ProtocolJson.Options);
        _app.Connector.Reset();
        _app.Connector.SetFallback(FakeTeams);
        _app.Time.Advance(TimeSpan.FromMinutes(1));
        var invoke = Invoke(StrangerId, "Somebody Else", Action(card, "ticket.resolve", ("note", "closing this")));
        invoke["channelData"] = new JsonObject { ["team"] = new JsonObject { ["id"] = "19:strangers-own-team@thread.tacv2" }, ["channel"] = new JsonObject { ["id"] = HelpdeskChannel } };

        var response = await TestActivities.PostAsync(_client, invoke);

        var shown = await CardOfAsync(response);
        Assert.Equal("Only helpdesk agents can act on tickets. Nothing was changed.", shown.GetProperty("body")[0].GetProperty("items")[0].GetProperty("text").GetString());
        // The error card shows nothing of the ticket to someone who may not act on it.
        Assert.DoesNotContain("TB-1001", shown.GetRawText());
        Assert.DoesNotContain("waiting for an agent", Texts(shown));
        Assert.Equal(before, JsonSerializer.Serialize(await Tickets.GetAsync("TB-1001"), ProtocolJson.Options));
        Assert.Empty(await Outbox.ListPendingAsync());
        Assert.Equal(0, await DispatchAsync());
        var lookup = Assert.Single(_app.Connector.Requests);
        Assert.Contains(Uri.EscapeDataString(HelpdeskChannel) + "/members/", lookup.Uri.AbsolutePath);
    }

    [Fact]
    public async Task UnknownTicket_ErrorResponse()
    {
        var response = await TestActivities.PostAsync(_client, Invoke(AgentId, "Megan Bowen", ("ticket.assign", new JsonObject { ["ticketId"] = "TB-9999" })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((400, "application/vnd.microsoft.error"), (body.GetProperty("statusCode").GetInt32(), body.GetProperty("type").GetString()));
        Assert.Equal("There is no ticket TB-9999.", body.GetProperty("value").GetProperty("message").GetString());
    }

    [Fact]
    public async Task AgentAsksUserAnswers_QuestionReachesTheUsersChatAnswerReachesTheTicketsThread()
    {
        var card = await EscalateAndPostTheCardAsync();

        var asked = await TestActivities.PostAsync(_client, Invoke(AgentId, "Megan Bowen", Action(card, "ticket.ask", ("question", "Which version of Skype for Business?"))));
        Assert.Contains("asked the user: Which version of Skype for Business?", Texts(await CardOfAsync(asked)));
        _app.Connector.Reset();
        _app.Connector.SetFallback(FakeTeams);
        Assert.Equal(2, await DispatchAsync());
        var question = Assert.Single(_app.Connector.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal($"/emea/v3/conversations/{Uri.EscapeDataString(UserChat)}/activities", question.Uri.AbsolutePath);
        Assert.Contains("Which version of Skype for Business?", Texts(CardIn(question)));

        var answered = await TestActivities.PostAsync(_client, TestActivities.Message("16.0.4266", UserChat, id: "1700000000200", expectReplies: true));
        var thanks = Assert.Single(await TestActivities.RepliesAsync(answered));
        Assert.Equal("Thanks, I've passed your answer on to the helpdesk (ticket **TB-1001**).", thanks.GetProperty("text").GetString());
        _app.Connector.Reset();
        _app.Connector.SetFallback(FakeTeams);
        Assert.Equal(2, await DispatchAsync());

        var relayed = Assert.Single(_app.Connector.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal($"/amer/v3/conversations/{Uri.EscapeDataString(Thread)}/activities", relayed.Uri.AbsolutePath);
        Assert.Equal("**Ada Lovelace** answered the question on TB-1001: 16.0.4266", JsonDocument.Parse(relayed.Body!).RootElement.GetProperty("text").GetString());
    }

    private TicketStore Tickets => _app.Services.GetRequiredService<TicketStore>();

    private Outbox Outbox => _app.Services.GetRequiredService<Outbox>();

    private Task<int> DispatchAsync() => _app.Services.GetRequiredService<OutboxDispatcher>().DispatchOnceAsync();

    /// <summary>The user asks for a human and sends the form; one dispatch round posts the card. Returns the posted card.</summary>
    private async Task<JsonElement> EscalateAndPostTheCardAsync()
    {
        var human = await TestActivities.PostAsync(_client, TestActivities.Message("talk to a human", UserChat, id: "1700000000100", expectReplies: true));
        var form = Assert.Single(await TestActivities.RepliesAsync(human));
        var flow = form.GetProperty("attachments")[0].GetProperty("content").GetProperty("actions")[0].GetProperty("data").GetProperty("flow").GetString();
        var submit = TestActivities.Message("", UserChat, id: "1700000000101", expectReplies: true);
        submit.Remove("text");
        submit["value"] = new JsonObject
        {
            ["triage"] = "form", ["flow"] = flow, ["signInAddress"] = "ada@contoso.com", ["clientApp"] = "Skype for Business 2016",
            ["operatingSystem"] = "Windows 10", ["scope"] = "one", ["logsAvailable"] = "no",
        };
        var created = await TestActivities.PostAsync(_client, submit);
        Assert.Contains("ticket **TB-1001**", Assert.Single(await TestActivities.RepliesAsync(created)).GetProperty("text").GetString());
        _app.Connector.Reset();
        _app.Connector.SetFallback(FakeTeams);

        Assert.Equal(1, await DispatchAsync());

        var post = Assert.Single(_app.Connector.Requests);
        Assert.Equal((HttpMethod.Post, "/amer/v3/conversations"), (post.Method, post.Uri.AbsolutePath));
        var parameters = JsonDocument.Parse(post.Body!).RootElement;
        Assert.Equal(HelpdeskChannel, parameters.GetProperty("channelData").GetProperty("channel").GetProperty("id").GetString());
        var card = parameters.GetProperty("activity").GetProperty("attachments")[0].GetProperty("content").Clone();
        Assert.Contains("TB-1001: No error pasted", Texts(card)); // "talk to a human" before any paste
        Assert.Contains("ada@contoso.com", Texts(card));
        Assert.Equal(new ChannelPost(HelpdeskServiceUrl, Thread, CardActivityId), (await Tickets.GetAsync("TB-1001"))!.ChannelPost);
        return card;
    }

    /// <summary>The connector as Teams answers it: the agent is a member of the helpdesk team, posts get ids.</summary>
    private static HttpResponseMessage FakeTeams(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path.Contains("/members/", StringComparison.Ordinal))
        {
            return path.EndsWith("/members/" + Uri.EscapeDataString(AgentId), StringComparison.Ordinal)
                ? RecordingHttpHandler.Json($$"""{"id":"{{AgentId}}","name":"Megan Bowen","aadObjectId":"00000000-0000-0000-0000-00000000me9a"}""")
                : RecordingHttpHandler.Json("""{"error":{"code":"NotFound","message":"member not found"}}""", HttpStatusCode.NotFound);
        }

        if (request.Method == HttpMethod.Post && path.EndsWith("/v3/conversations", StringComparison.Ordinal))
        {
            return RecordingHttpHandler.Json($$"""{"id":"{{Thread}}","activityId":"{{CardActivityId}}"}""", HttpStatusCode.Created);
        }

        return request.Method == HttpMethod.Put ? RecordingHttpHandler.Json("""{"id":"updated"}""") : RecordingHttpHandler.Created();
    }

    /// <summary>The verb and data of the card's Action.Execute button, with the inputs its ShowCard would add.</summary>
    private static (string Verb, JsonObject Data) Action(JsonElement card, string verb, params (string Id, string Value)[] inputs)
    {
        var action = Find(JsonNode.Parse(card.GetRawText())!).Single(o => (string?)o["verb"] == verb);
        var data = action["data"]!.DeepClone().AsObject();
        foreach (var (id, value) in inputs)
        {
            data[id] = value;
        }

        return (verb, data);

        static IEnumerable<JsonObject> Find(JsonNode? node) => node switch
        {
            JsonObject o => new[] { o }.Concat(o.SelectMany(p => Find(p.Value))),
            JsonArray a => a.SelectMany(Find),
            _ => [],
        };
    }

    /// <summary>An agent pressing an Action.Execute button on the ticket card in the helpdesk thread.</summary>
    private static JsonObject Invoke(string userId, string name, (string Verb, JsonObject Data) action) => new()
    {
        ["type"] = "invoke",
        ["name"] = "adaptiveCard/action",
        ["id"] = "f:" + Guid.NewGuid().ToString("N"),
        ["timestamp"] = "2026-03-02T09:05:00.000Z",
        ["channelId"] = "msteams",
        ["serviceUrl"] = TestActivities.LoopbackServiceUrl,
        ["from"] = new JsonObject { ["id"] = userId, ["name"] = name },
        ["recipient"] = new JsonObject { ["id"] = TestActivities.BotId, ["name"] = "TriageBot" },
        ["conversation"] = new JsonObject { ["id"] = Thread, ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["channel"] = new JsonObject { ["id"] = HelpdeskChannel } },
        ["replyToId"] = CardActivityId,
        ["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = action.Verb, ["data"] = action.Data.DeepClone() },
            ["trigger"] = "manual",
        },
    };

    /// <summary>The card of a Universal Actions response: HTTP 200 with statusCode 200 and an adaptive card.</summary>
    private static async Task<JsonElement> CardOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((200, "application/vnd.microsoft.card.adaptive"), (body.GetProperty("statusCode").GetInt32(), body.GetProperty("type").GetString()));
        return body.GetProperty("value");
    }

    private static JsonElement CardIn(RecordedRequest request) =>
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("attachments")[0].GetProperty("content").Clone();

    /// <summary>Every TextBlock and fact of a card, one per line.</summary>
    private static string Texts(JsonElement card)
    {
        var lines = new List<string>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("type", out var type) && type.GetString() == "TextBlock")
                {
                    lines.Add(e.GetProperty("text").GetString()!);
                }

                if (e.TryGetProperty("title", out var title) && e.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    lines.Add($"{title.GetString()}: {value.GetString()}");
                }

                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(card);
        return string.Join("\n", lines);
    }
}
