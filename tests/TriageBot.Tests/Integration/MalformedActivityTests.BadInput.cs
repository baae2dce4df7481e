using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// The bad-input suite: JSON that parses, with the wrong things in it. Each test starts a triage (the plan question
/// is pending), sends the bad request in that conversation, and then answers the question: the bad request must not
/// be answered 5xx (a clear 400 when the request is at fault, else a harmless answer), must not crash the app or
/// log an error, and must not touch the conversation's state, which the answer proves by getting the next question.
/// The one 5xx the protocol has is 501 for an invoke the bot does not implement (pinned in BotEndpointTests).
/// </summary>
public sealed partial class MalformedActivityTests
{
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";
    private const string PlanQuestion = "Which Office 365 plan";
    private const string CustomDomainQuestion = "sign in with its own (custom) domain";
    private const string BotMention = "<at>TriageBot</at>";

    /// <summary>The JSON kinds a field can wrongly hold, with the value used for each.</summary>
    private static readonly Dictionary<string, Func<JsonNode?>> Kinds = new()
    {
        ["string"] = () => JsonValue.Create("wrong"),
        ["number"] = () => JsonValue.Create(42),
        ["boolean"] = () => JsonValue.Create(true),
        ["object"] = () => new JsonObject { ["wrong"] = 1 },
        ["array"] = () => new JsonArray(1, "wrong"),
        ["null"] = () => null,
    };

    /// <summary>Extra wrong contents for fields that hold arrays.</summary>
    private static readonly Dictionary<string, Func<JsonNode?>> ArrayKinds = new()
    {
        ["array of nulls"] = () => new JsonArray(null, null),
        ["array of numbers"] = () => new JsonArray(1, 2),
        ["array of arrays"] = () => new JsonArray(new JsonArray(), new JsonArray(1)),
    };

    /// <summary>
    /// A Teams message with every field the protocol knows (and a few it keeps untyped), asking for help with the
    /// bot mentioned: harmless in the middle of a triage, so any change of state it caused would show.
    /// </summary>
    private static JsonObject FullMessage(string conversationId, string id) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = "2026-01-01T12:00:00.000Z",
        ["localTimestamp"] = "2026-01-01T13:00:00.000+01:00",
        ["channelId"] = "msteams",
        ["serviceUrl"] = TestActivities.LoopbackServiceUrl,
        ["from"] = new JsonObject { ["id"] = TestActivities.UserId, ["name"] = "Ada Lovelace", ["aadObjectId"] = "00000000-0000-0000-0000-0000000000ad", ["role"] = "user" },
        ["recipient"] = new JsonObject { ["id"] = TestActivities.BotId, ["name"] = "TriageBot" },
        ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = "personal", ["tenantId"] = "tenant-1", ["isGroup"] = false, ["name"] = "chat" },
        ["text"] = BotMention + " help",
        ["textFormat"] = "plain",
        ["summary"] = "help",
        ["locale"] = "en-US",
        ["replyToId"] = "1699999999999",
        ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "text/html", ["content"] = "<p>help</p>", ["name"] = "body" }),
        ["entities"] = new JsonArray(
            new JsonObject { ["type"] = "mention", ["text"] = BotMention, ["mentioned"] = new JsonObject { ["id"] = TestActivities.BotId, ["name"] = "TriageBot" } },
            new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US", ["platform"] = "Web" }),
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = "tenant-1" },
            ["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2", ["name"] = "Helpdesk" },
            ["channel"] = new JsonObject { ["id"] = "19:channel@thread.tacv2" },
        },
        ["deliveryMode"] = "expectReplies",
    };

    /// <summary>Every field of <see cref="FullMessage"/> (nested ones too) with every JSON kind it does not have.</summary>
    public static TheoryData<string, string> WrongTypeRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var (path, node) in Fields(FullMessage("c", "1"), ""))
        {
            var kind = KindOf(node);
            foreach (var wrong in Kinds.Keys.Where(k => k != kind))
            {
                rows.Add(path, wrong);
            }

            if (kind == "array")
            {
                foreach (var wrong in ArrayKinds.Keys)
                {
                    rows.Add(path, wrong);
                }
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(WrongTypeRows))]
    public async Task Post_WrongJsonTypeInAField_No5xxAndTheConversationGoesOn(string path, string kind)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var bad = FullMessage(conversation, NewId());
        Replace(bad, path, (Kinds.GetValueOrDefault(kind) ?? ArrayKinds[kind])());

        var response = await PostAsync(bad);

        await AssertAnsweredWithoutFaultAsync(response, $"{path} as {kind}");
        await AssertConversationGoesOnAsync(conversation);
    }

    [Fact]
    public async Task WrongTypeRows_CoverEveryFieldOfTheMessage()
    {
        var rows = WrongTypeRows().Select(r => (string)r[0]).Distinct().ToList();

        Assert.Contains("conversation.id", rows);
        Assert.Contains("entities[0].mentioned.id", rows);
        Assert.Contains("channelData.team.id", rows);
        Assert.Contains("attachments[0].content", rows);
        Assert.True(rows.Count >= 45, $"only {rows.Count} fields");
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("ascii log", 240_000)]
    [InlineData("Chinese", 80_000)]
    [InlineData("one word", 250_000)]
    public async Task Post_TextNearTheBodyLimit_BoundedReplyAndSmallState(string kind, int length)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var unit = kind switch
        {
            "ascii log" => "2026-01-01 12:00:01 lync.exe: Server is temporarily unavailable (0x80072ee2)\n",
            "Chinese" => "服务器暂时不可用。",
            _ => "x",
        };
        var text = new StringBuilder().Insert(0, unit, length / unit.Length + 1).ToString(0, length);
        // Sent as UTF-8 as it is (a Chinese character is 3 bytes, not a 6-byte \u escape).
        var body = Encoding.UTF8.GetBytes(TestActivities.Message(text, conversation, id: NewId(), expectReplies: true)
            .ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.InRange(body.Length, 200 * 1024, 256 * 1024);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _client.PostAsync("/api/messages", content).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await response.Content.ReadAsStringAsync();
        Assert.True(replies.Length < 64 * 1024, $"{replies.Length} characters of replies");
        Assert.InRange(JsonDocument.Parse(replies).RootElement.GetProperty("activities").GetArrayLength(), 1, 3);
        var state = await StoredStateAsync(conversation);
        Assert.True(state!.Length < 32 * 1024, $"{state.Length} characters of state");
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
        // A new paste (even a huge one) starts over, so the check is that the conversation still answers.
        var next = await PostAsync(TestActivities.Message(Paste, conversation, id: NewId(), expectReplies: true));
        Assert.Contains(PlanQuestion, await next.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("text", true)]
    [InlineData("channelData", true)]
    [InlineData("text", false)]
    public async Task Post_BodyOverTheLimit_Is413AndTheConversationGoesOn(string field, bool sendLength)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var activity = TestActivities.Message("E", conversation, id: NewId(), expectReplies: true);
        activity[field] = field == "text" ? new string('E', 300_000) : new JsonObject { ["padding"] = new string('x', 300_000) };
        var bytes = Encoding.UTF8.GetBytes(activity.ToJsonString());
        using HttpContent content = sendLength ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (!sendLength)
        {
            content.Headers.ContentLength = null;
        }

        var response = await _client.PostAsync("/api/messages", content).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertConversationGoesOnAsync(conversation);
    }

    [Theory]
    [InlineData(40, HttpStatusCode.OK)]
    [InlineData(62, HttpStatusCode.OK)]
    [InlineData(70, HttpStatusCode.BadRequest)]
    [InlineData(1_000, HttpStatusCode.BadRequest)]
    public async Task Post_NestedValue_WithinTheDepthLimitHarmless_BeyondIt400(int depth, HttpStatusCode expected)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var nested = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            nested.Append(i % 2 == 0 ? "{\"a\":" : "[");
        }

        nested.Append('1');
        for (var i = depth - 1; i >= 0; i--)
        {
            nested.Append(i % 2 == 0 ? '}' : ']');
        }

        var json = TestActivities.Message("", conversation, id: NewId(), expectReplies: true).ToJsonString();
        json = json[..^1] + ",\"value\":" + nested + "}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        var response = await _client.PostAsync("/api/messages", content).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            // A card button whose card is not the current one.
            Assert.Contains(Text("unknown-submit"), await RepliesTextAsync(response));
        }

        await AssertConversationGoesOnAsync(conversation);
    }

    [Fact]
    public async Task Post_Utf8ByteOrderMarkBeforeTheJson_IsAccepted()
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(TestActivities.Message("E", conversation, id: NewId(), expectReplies: true).ToJsonString())];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _client.PostAsync("/api/messages", content).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(CustomDomainQuestion, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Message")]
    [InlineData("MESSAGE")]
    [InlineData("typing")]
    [InlineData("event")]
    [InlineData("messageReaction")]
    [InlineData("messageUpdate")]
    [InlineData("messageDelete")]
    [InlineData("endOfConversation")]
    [InlineData("handoff")]
    [InlineData("trace")]
    [InlineData("suggestion")]
    [InlineData("installationUpdate")]
    [InlineData("conversationUpdate")]
    [InlineData("invokeResponse")]
    [InlineData("x-made-up")]
    [InlineData("\u00e9v\u00e9nement")]
    [InlineData("a very long type ........................................................................................................................................")]
    public async Task Post_OtherOrUnknownActivityType_HarmlessAndTheConversationGoesOn(string type)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var activity = FullMessage(conversation, NewId());
        activity["type"] = type;
        activity["text"] = "E";
        activity["action"] = "made-up";
        activity["name"] = "made/up";

        var response = await PostAsync(activity);

        await AssertAnsweredWithoutFaultAsync(response, type);
        await AssertConversationGoesOnAsync(conversation);
    }

    [Theory]
    [InlineData("conversationUpdate", """{"membersAdded":[null,{"id":"29:new"}]}""")]
    [InlineData("conversationUpdate", """{"membersAdded":[{"id":5}]}""")]
    [InlineData("conversationUpdate", """{"membersAdded":[{}],"membersRemoved":[null]}""")]
    [InlineData("installationUpdate", """{"action":"add","channelData":{"team":"helpdesk"}}""")]
    [InlineData("installationUpdate", """{"action":"add","channelData":{"team":{"id":5}}}""")]
    [InlineData("installationUpdate", """{"action":"add","channelData":{"team":{"id":"19:t","aadGroupId":[]}}}""")]
    [InlineData("installationUpdate", """{"action":5}""")]
    [InlineData("installationUpdate", """{"action":"remove-upgrade"}""")]
    [InlineData("messageReaction", """{"reactionsAdded":[{"type":5}],"reactionsRemoved":"like"}""")]
    public async Task Post_UpdateActivityWithWrongValues_HarmlessAndTheConversationGoesOn(string type, string fields)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var activity = FullMessage(conversation, NewId());
        activity["type"] = type;
        activity.Remove("text");
        foreach (var (name, value) in JsonNode.Parse(fields)!.AsObject().ToList())
        {
            activity[name] = value?.DeepClone();
        }

        var response = await PostAsync(activity);

        await AssertAnsweredWithoutFaultAsync(response, $"{type} {fields}");
        await AssertConversationGoesOnAsync(conversation);
    }

    [Theory]
    [InlineData("adaptiveCard/action", null)]
    [InlineData("adaptiveCard/action", "{}")]
    [InlineData("adaptiveCard/action", "5")]
    [InlineData("adaptiveCard/action", "[]")]
    [InlineData("adaptiveCard/action", "\"ticket.assign\"")]
    [InlineData("adaptiveCard/action", """{"action":null}""")]
    [InlineData("adaptiveCard/action", """{"action":{}}""")]
    [InlineData("adaptiveCard/action", """{"action":"ticket.assign"}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute"}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":5}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.assign"}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.assign","data":null}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.assign","data":"TB-1001"}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.assign","data":{}}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.assign","data":{"ticketId":5}}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.resolve","data":{"ticketId":"TB-9999","note":"forged"}}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.ask","data":{"ticketId":"TB-1001');--","question":{}}}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"ticket.","data":{"ticketId":"TB-1001"}}}""")]
    [InlineData("adaptiveCard/action", """{"action":{"type":"Action.Execute","verb":"triage.answer","data":{"flow":"x","answer":"yes"}}}""")]
    [InlineData("composeExtension/query", null)]
    [InlineData("composeExtension/query", "{}")]
    [InlineData("composeExtension/query", """{"commandId":"searchErrors"}""")]
    [InlineData("composeExtension/query", """{"commandId":"searchErrors","parameters":null}""")]
    [InlineData("composeExtension/query", """{"commandId":"searchErrors","parameters":{}}""")]
    [InlineData("composeExtension/query", """{"commandId":"searchErrors","parameters":[{"name":"query"}]}""")]
    [InlineData("composeExtension/query", """{"commandId":"searchErrors","parameters":[{"name":"query","value":5}]}""")]
    [InlineData("composeExtension/query", """{"commandId":5,"parameters":[null]}""")]
    [InlineData("composeExtension/submitAction", "{}")]
    [InlineData("composeExtension/fetchTask", null)]
    [InlineData("task/fetch", null)]
    [InlineData("signin/verifyState", "{}")]
    [InlineData(null, null)]
    [InlineData("", "{}")]
    public async Task Post_InvokeWithMissingOrWrongValues_No5xxButNotImplemented_AndTheConversationGoesOn(string? name, string? value)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var invoke = FullMessage(conversation, NewId());
        invoke["type"] = "invoke";
        invoke.Remove("text");
        invoke.Remove("deliveryMode");
        invoke["name"] = name;
        if (value is not null)
        {
            invoke["value"] = JsonNode.Parse(value);
        }

        var response = await PostAsync(invoke);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode < 500 || response.StatusCode == HttpStatusCode.NotImplemented, $"{(int)response.StatusCode} {body}");
        if (name == "adaptiveCard/action")
        {
            // Universal Actions errors go in the body, which the client shows on the card. A ticket verb comes from
            // someone who is not a helpdesk agent (nobody is, here): that is checked first, and answered with the
            // error card; anything else malformed is a 400.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var root = JsonDocument.Parse(body).RootElement;
            var verb = value is not null && JsonNode.Parse(value) is JsonObject { } sent && sent["action"] is JsonObject action
                && action["verb"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            if (verb is "ticket.assign" or "ticket.resolve" or "ticket.ask" or "ticket.refresh")
            {
                Assert.Equal(200, root.GetProperty("statusCode").GetInt32());
                Assert.Contains(Text("helpdesk-not-agent"), root.GetProperty("value").GetRawText());
            }
            else
            {
                Assert.Equal(400, root.GetProperty("statusCode").GetInt32());
            }
        }

        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
        await AssertConversationGoesOnAsync(conversation);
    }

    /// <summary>Card submits no card of the bot's sends: each is answered, and none changes the triage.</summary>
    [Theory]
    [InlineData("stale flow id", """{"triage":"answer","flow":"forged-flow","answer":"yes"}""", "unknown-submit")]
    [InlineData("flow id a number", """{"triage":"answer","flow":5,"answer":"yes"}""", "unknown-submit")]
    [InlineData("flow id an object", """{"triage":"answer","flow":{"id":"x"},"answer":"yes"}""", "unknown-submit")]
    [InlineData("no flow id", """{"triage":"answer","answer":"yes"}""", "unknown-submit")]
    [InlineData("helpdesk button of another flow", """{"triage":"helpdesk","flow":"forged-flow"}""", "unknown-submit")]
    [InlineData("answer nobody offered", """{"triage":"answer","flow":"$flow","answer":"maybe"}""", "retry-answer")]
    [InlineData("answer a number", """{"triage":"answer","flow":"$flow","answer":5}""", "retry-answer")]
    [InlineData("answer an array", """{"triage":"answer","flow":"$flow","answer":["yes","no"]}""", "retry-answer")]
    [InlineData("outcome button at a question", """{"triage":"fixed","flow":"$flow"}""", "retry-answer")]
    [InlineData("triage key a number", """{"triage":5,"flow":"$flow"}""", "retry-answer")]
    [InlineData("ticket action on no ticket", """{"ticketAction":"resolve","ticketId":"TB-9999","note":"done"}""", "helpdesk-not-agent")]
    [InlineData("ticket action on a malformed id", """{"ticketAction":"assign","ticketId":"TB-1001' OR 1=1"}""", "helpdesk-not-agent")]
    [InlineData("ticket action with a number for the id", """{"ticketAction":"assign","ticketId":1001}""", "helpdesk-not-agent")]
    [InlineData("ticket action a number", """{"ticketAction":5,"ticketId":[]}""", "helpdesk-unknown-action")]
    [InlineData("answer to no ticket", """{"ticketReply":"TB-9999","answer":"forged"}""", "ticket-answer-closed")]
    [InlineData("answer with a number for the ticket", """{"ticketReply":5,"answer":"forged"}""", "ticket-answer-closed")]
    [InlineData("answer with nothing", """{"ticketReply":null}""", "ticket-answer-closed")]
    public async Task Post_ForgedCardSubmit_AnsweredAndTheTriageUnchanged(string forgery, string value, string expected)
    {
        var conversation = NewConversation();
        var flow = await StartTriageAsync(conversation);
        var before = await TriageAsync(conversation);
        var submit = TestActivities.Message("", conversation, id: NewId(), expectReplies: true);
        submit["value"] = JsonNode.Parse(value.Replace("$flow", flow, StringComparison.Ordinal));

        var response = await PostAsync(submit);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await RepliesTextAsync(response);
        // The text up to its first {value}: the forged ticket id is in the rest.
        Assert.True(replies.Contains(Text(expected).Split('{')[0], StringComparison.Ordinal), $"{forgery}: {replies}");
        var after = await TriageAsync(conversation);
        Assert.Equal(JsonSerializer.Serialize(before.Answers), JsonSerializer.Serialize(after.Answers));
        Assert.Equal((before.FlowId, before.PendingQuestion, before.SymptomId), (after.FlowId, after.PendingQuestion, after.SymptomId));
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
        await AssertConversationGoesOnAsync(conversation);
    }

    [Fact]
    public async Task Post_AnswerWithAForgedQuestionId_AnswersOnlyTheQuestionAsked()
    {
        var conversation = NewConversation();
        var flow = await StartTriageAsync(conversation);
        var submit = TestActivities.Message("", conversation, id: NewId(), expectReplies: true);
        submit["value"] = new JsonObject { ["triage"] = "answer", ["flow"] = flow, ["question"] = "adfs", ["answer"] = "yes" };

        var response = await PostAsync(submit);

        Assert.Contains(CustomDomainQuestion, await response.Content.ReadAsStringAsync());
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "yes" }, (await TriageAsync(conversation)).Answers);
    }

    [Fact]
    public async Task Post_TicketButtonsForgedByTheUser_ChangeNoTicket()
    {
        var (ticketId, requesterConversation) = await CreateTicketAsync();
        var forger = NewConversation();
        await StartTriageAsync(forger);

        var forged = new (string Value, string Expected)[]
        {
            ($$"""{"ticketAction":"resolve","ticketId":"{{ticketId}}","note":"closing it myself"}""", "helpdesk-not-agent"),
            ($$"""{"ticketAction":"assign","ticketId":"{{ticketId}}"}""", "helpdesk-not-agent"),
            ($$"""{"ticketReply":"{{ticketId}}","answer":"an answer nobody asked for"}""", "ticket-answer-closed"),
        };
        foreach (var (value, expected) in forged)
        {
            var submit = TestActivities.Message("", forger, id: NewId(), expectReplies: true);
            submit["value"] = JsonNode.Parse(value);
            var response = await PostAsync(submit);
            Assert.Contains(Text(expected, ("id", ticketId)), await RepliesTextAsync(response));
        }

        var ticket = await _app.Services.GetRequiredService<TicketStore>().GetAsync(ticketId);
        Assert.Equal(TicketStatus.Open, ticket!.Status);
        Assert.Single(ticket.History);
        Assert.Equal(requesterConversation, ticket.Request.Requester.Conversation!.Conversation!.Id);
        await AssertConversationGoesOnAsync(forger);
    }

    [Fact]
    public async Task Post_SameMessageIdTwice_SecondCopyIgnored_AnswerRecordedOnce()
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var id = NewId();

        var first = await PostAsync(TestActivities.Message("E", conversation, id: id, expectReplies: true));
        var replay = await PostAsync(TestActivities.Message("E", conversation, id: id, expectReplies: true));

        Assert.Contains(CustomDomainQuestion, await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Empty(await TestActivities.RepliesAsync(replay));
        var triage = await TriageAsync(conversation);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "yes" }, triage.Answers);
        Assert.Equal("custom-domain", triage.PendingQuestion);
        // The same id in another conversation is another message.
        var elsewhere = NewConversation();
        await StartTriageAsync(elsewhere);
        Assert.Contains(CustomDomainQuestion, await (await PostAsync(TestActivities.Message("E", elsewhere, id: id, expectReplies: true))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_FormSubmitReplayed_OneTicketAndOneConfirmation()
    {
        var conversation = NewConversation();
        var form = await PostAsync(TestActivities.Message("talk to a human", conversation, id: NewId(), expectReplies: true));
        var submit = TestActivities.Message("", conversation, id: NewId(), expectReplies: true);
        submit["value"] = SubmitData(await form.Content.ReadAsStringAsync(), "replay@contoso.com");
        var open = _app.Services.GetRequiredService<TicketStore>();
        var before = (await open.ListOpenAsync()).Count;

        var first = await TestActivities.RepliesAsync(await PostAsync(submit));
        var replay = await TestActivities.RepliesAsync(await PostAsync(submit));

        Assert.Contains("TB-", Assert.Single(first).GetProperty("text").GetString());
        Assert.Empty(replay);
        Assert.Equal(before + 1, (await open.ListOpenAsync()).Count);
    }

    [Fact]
    public async Task Post_MessageThatChangesNothingTwice_AnsweredBothTimes()
    {
        var conversation = NewConversation();
        await PostAsync(TestActivities.Message("help", conversation, id: NewId(), expectReplies: true));
        var id = NewId();

        // "help" outside a triage (once the conversation has state) saves nothing, so nothing remembers it: the
        // copy is answered again, harmlessly.
        var first = await TestActivities.RepliesAsync(await PostAsync(TestActivities.Message("help", conversation, id: id, expectReplies: true)));
        var again = await TestActivities.RepliesAsync(await PostAsync(TestActivities.Message("help", conversation, id: id, expectReplies: true)));

        Assert.Equal(first.Single().GetProperty("text").GetString(), again.Single().GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("conversation.id")]
    [InlineData("from.id")]
    [InlineData("recipient.id")]
    [InlineData("channelId")]
    [InlineData("id")]
    public async Task Post_ControlCharacterInAnId_Is400(string path)
    {
        var conversation = NewConversation();
        await StartTriageAsync(conversation);
        var activity = FullMessage(conversation, NewId());
        var value = path == "conversation.id" ? conversation : path == "id" ? activity["id"]!.GetValue<string>() : "x";
        Replace(activity, path, value + "\u0000");

        var response = await PostAsync(activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", await response.Content.ReadAsStringAsync());
        await AssertConversationGoesOnAsync(conversation);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Every string in an expectReplies body (texts, and the cards' texts), decoded, one per line.</summary>
    private static async Task<string> RepliesTextAsync(HttpResponseMessage response)
    {
        static IEnumerable<string> Strings(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(p => Strings(p.Value)),
            JsonArray a => a.SelectMany(Strings),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            _ => [],
        };
        return string.Join("\n", Strings(JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    private static string NewConversation() => "a:bad-input-" + Guid.NewGuid().ToString("N")[..12];

    private Task<HttpResponseMessage> PostAsync(JsonObject activity) => TestActivities.PostAsync(_client, activity);

    private string Text(string id, params (string Name, string Value)[] values) =>
        _app.Services.GetRequiredService<BotTexts>().Get(id, "en-us", values);

    /// <summary>Pastes a documented error; returns the triage's flow id (the plan question is then pending).</summary>
    private async Task<string> StartTriageAsync(string conversation)
    {
        var response = await PostAsync(TestActivities.Message(Paste, conversation, id: NewId(), expectReplies: true));
        Assert.Contains(PlanQuestion, await response.Content.ReadAsStringAsync());
        return (await TriageAsync(conversation)).FlowId;
    }

    /// <summary>The bad request is answered, without a server error or one logged; 400s are problem details.</summary>
    private async Task AssertAnsweredWithoutFaultAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {body}");
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("   at ", body);
        }
        else
        {
            Assert.DoesNotContain(TestActivities.ApologyText, body);
        }

        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    /// <summary>The plan question is still the one pending: answering it brings the next question.</summary>
    private async Task AssertConversationGoesOnAsync(string conversation)
    {
        var response = await PostAsync(TestActivities.Message("E", conversation, id: NewId(), expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(CustomDomainQuestion, await response.Content.ReadAsStringAsync());
    }

    private async Task<TriageState> TriageAsync(string conversation)
    {
        var key = $"msteams/conversations/{conversation}";
        var stored = (JsonObject)(await _app.Services.GetRequiredService<IStorage>().ReadAsync([key]))[key];
        return stored["state"]!["triage"].Deserialize<TriageState>(TriageBot.Protocol.Schema.ProtocolJson.Options)!;
    }

    private async Task<string?> StoredStateAsync(string conversation)
    {
        var key = $"msteams/conversations/{conversation}";
        return (await _app.Services.GetRequiredService<IStorage>().ReadAsync([key])).TryGetValue(key, out var item) ? ((JsonObject)item).ToJsonString() : null;
    }

    /// <summary>A ticket made through the hand-over form in a conversation of its own.</summary>
    private async Task<(string TicketId, string Conversation)> CreateTicketAsync()
    {
        var conversation = NewConversation();
        var form = await PostAsync(TestActivities.Message("talk to a human", conversation, id: NewId(), expectReplies: true));
        var submit = TestActivities.Message("", conversation, id: NewId(), expectReplies: true);
        submit["value"] = SubmitData(await form.Content.ReadAsStringAsync(), "ada@contoso.com");
        var created = await TestActivities.RepliesAsync(await PostAsync(submit));
        return (System.Text.RegularExpressions.Regex.Match(created.Single().GetProperty("text").GetString()!, @"TB-\d+").Value, conversation);
    }

    /// <summary>The data of the form card's Action.Submit in an expectReplies body, filled in.</summary>
    private static JsonObject SubmitData(string repliesBody, string signInAddress)
    {
        static JsonObject? Find(JsonNode? node) => node switch
        {
            JsonObject o when o["type"]?.GetValue<string>() == "Action.Submit" && o["data"] is JsonObject data => (JsonObject)data.DeepClone(),
            JsonObject o => o.Select(p => Find(p.Value)).FirstOrDefault(d => d is not null),
            JsonArray a => a.Select(Find).FirstOrDefault(d => d is not null),
            _ => null,
        };
        var data = Find(JsonNode.Parse(repliesBody)) ?? throw new InvalidOperationException("no form in the replies");
        data["signInAddress"] = signInAddress;
        return data;
    }

    /// <summary>Every property (by path, <c>a.b</c>, <c>a[0].b</c>) under <paramref name="node"/>, containers and leaves.</summary>
    private static IEnumerable<(string Path, JsonNode? Node)> Fields(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    yield return (childPath, child);
                    foreach (var nested in Fields(child, childPath))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var childPath = $"{path}[{i}]";
                    yield return (childPath, array[i]);
                    foreach (var nested in Fields(array[i], childPath))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => "null",
    };

    /// <summary>Replaces the node at <paramref name="path"/> (as <see cref="Fields"/> names it).</summary>
    private static void Replace(JsonObject root, string path, JsonNode? value)
    {
        var parts = System.Text.RegularExpressions.Regex.Matches(path, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        JsonNode parent = root;
        for (var i = 0; i < parts.Count - 1; i++)
        {
            parent = parts[i].StartsWith('[') ? parent[int.Parse(parts[i][1..^1], System.Globalization.CultureInfo.InvariantCulture)]! : parent[parts[i]]!;
        }

        var last = parts[^1];
        if (last.StartsWith('['))
        {
            parent.AsArray()[int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent.AsObject()[last] = value;
        }
    }
}

/// <summary>
/// NUL characters against PostgreSQL, whose text type cannot hold U+0000: in an id (it would be part of a storage
/// key) the request is refused with 400 before the bot runs; in text, values and channel data it is stored escaped
/// in the JSON, and the conversation goes on.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBadInputTests : IDisposable
{
    private readonly PostgresFixture _fixture;
    private readonly string _table = PostgresTestServer.NewTableName();
    private readonly Resilience.Support.InstanceApp _app;

    public PostgresBadInputTests(PostgresFixture fixture)
    {
        _fixture = fixture;
        _app = Resilience.Support.InstanceApp.Postgres("pg", fixture.Server.ConnectionString, _table);
    }

    public void Dispose()
    {
        _app.Dispose();
        _fixture.Server.DropTable(_table);
    }

    [Theory]
    [InlineData("conversation")]
    [InlineData("from")]
    [InlineData("recipient")]
    public async Task Post_NulInAnId_Is400_NothingStoredAndTheConversationGoesOn(string account)
    {
        var conversation = "a:pg-nul-" + account;
        var activity = TestActivities.Message("Skype for Business says: Server is temporarily unavailable", conversation, id: Guid.NewGuid().ToString("N"), expectReplies: true);
        activity[account]!["id"] = activity[account]!["id"]!.GetValue<string>() + "\u0000tail";

        var response = await TestActivities.PostAsync(_app.CreateClient(), activity);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
        var chat = new Resilience.Support.Chat(conversation);
        Assert.Contains("Which Office 365 plan", (await chat.SayAsync(_app, "Skype for Business says: Server is temporarily unavailable")).Text);
        Assert.Contains("sign in with its own (custom) domain", (await chat.SayAsync(_app, "E")).Text);
    }

    [Fact]
    public async Task Post_NulInTextValueAndChannelData_StoredEscapedAndTheConversationGoesOn()
    {
        var chat = new Resilience.Support.Chat("a:pg-nul-text");
        var paste = chat.Message("Skype for Business says: Server is temporarily\u0000 unavailable");
        paste["channelData"] = new JsonObject { ["note"] = "a\u0000b" };

        var replies = await Resilience.Support.Chat.PostAsync(_app, paste);
        var forged = await Resilience.Support.Chat.PostAsync(_app, chat.Message(null, value: new JsonObject { ["triage"] = "answer", ["flow"] = "\u0000", ["answer"] = "\u0000" }));

        Assert.NotEmpty(replies.Activities);
        Assert.NotEmpty(forged.Activities);
        var stored = (JsonObject)(await _app.Storage.ReadAsync([chat.StateKey]))[chat.StateKey];
        Assert.Contains("\u0000", stored["state"]!["triage"]!["pasted"]!.GetValue<string>());
        Assert.NotEmpty((await chat.SayAsync(_app, "E")).Activities);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
