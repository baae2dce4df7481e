using System.Text.Json;
using Moq;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Integration;

/// <summary>
/// Turns that meet an ETag conflict run again on fresh state, and what each attempt said is heard once at most:
/// replies are held back until the attempt completed.
/// </summary>
public partial class CloudAdapterTests
{
    private const string ExpectRepliesMessage = """
        {"type":"message","id":"act-1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","deliveryMode":"expectReplies",
         "from":{"id":"29:user"},"recipient":{"id":"28:bot"},"conversation":{"id":"a:conv"},"text":"hi"}
        """;

    private readonly List<string?> _sentTexts = [];

    [Fact]
    public async Task ProcessAsync_ConflictOnce_RunsTheTurnAgainFreshAndOnlyTheLastAttemptIsHeard()
    {
        AcceptReplies();
        var seen = new List<(int Attempt, bool StaleTurnState, string? Text)>();
        var bot = new TestBot(async turn =>
        {
            var attempt = (int)turn.TurnState[CloudAdapter.TurnAttemptKey];
            seen.Add((attempt, turn.TurnState.ContainsKey("scribble"), turn.Activity.Text));
            turn.TurnState["scribble"] = true;
            turn.Activity.Text = "changed by the bot";
            await turn.SendActivityAsync($"reply of attempt {attempt}");
            if (attempt == 1)
            {
                throw new StorageConcurrencyException("msteams/conversations/a:conv");
            }
        });

        var http = Http(Message);
        await CreateAdapter().ProcessAsync(http.Request, http.Response, bot);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal([(1, false, "hi"), (2, false, "hi")], seen);
        Assert.Equal(["reply of attempt 2"], _sentTexts);
    }

    [Fact]
    public async Task ProcessAsync_ConflictOnEveryAttempt_OnTurnErrorGetsTheConflictAndSpeaksAlone()
    {
        AcceptReplies();
        var adapter = CreateAdapter(maxTurnAttempts: 3);
        Exception? error = null;
        adapter.OnTurnError = async (turn, ex) =>
        {
            error = ex;
            await turn.SendActivityAsync("try again in a moment");
        };
        var http = Http(Message);

        await adapter.ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            _turns++;
            await turn.SendActivityAsync("never heard");
            throw new StorageConcurrencyException("k");
        }));

        Assert.Equal(3, _turns);
        Assert.IsType<StorageConcurrencyException>(error);
        Assert.Equal(["try again in a moment"], _sentTexts);
        Assert.Equal(200, http.Response.StatusCode);
    }

    [Fact]
    public async Task ProcessAsync_ExpectRepliesConflictOnce_BodyHoldsOnlyTheLastAttemptsReplies()
    {
        var http = Http(ExpectRepliesMessage);
        var attempt = 0;

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            attempt++;
            await turn.SendActivityAsync($"attempt {attempt}");
            await turn.UpdateActivityAsync(new Activity { Id = "card-1", Text = $"update {attempt}" });
            if (attempt == 1)
            {
                throw new StorageConcurrencyException("k");
            }
        }));

        var replies = JsonSerializer.Deserialize<ExpectedReplies>(ResponseBody(http), ProtocolJson.Options)!;
        Assert.Equal(["attempt 2", "update 2"], replies.Activities.Select(a => a.Text));
        _connector.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ProcessAsync_InvokeConflictOnce_AnswersWithTheLastAttemptsInvokeResponse()
    {
        var http = Http("""{"type":"invoke","name":"adaptiveCard/action","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","conversation":{"id":"c"},"from":{"id":"u"},"recipient":{"id":"b"}}""");
        var attempt = 0;
        var bot = new TestBot(async turn =>
        {
            attempt++;
            await turn.SendActivityAsync(new Activity
            {
                Type = ActivityTypes.InvokeResponse,
                Value = JsonSerializer.SerializeToElement(new InvokeResponse { Status = 200, Body = new { attempt } }, ProtocolJson.Options),
            });
            if (attempt == 1)
            {
                throw new StorageConcurrencyException("k");
            }
        });

        await CreateAdapter().ProcessAsync(http.Request, http.Response, bot);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("""{"attempt":2}""", ResponseBody(http));
    }

    [Fact]
    public async Task ProcessAsync_TurnFailsAfterReplying_ItsRepliesAreDroppedAndOnTurnErrorSpeaks()
    {
        AcceptReplies();
        var adapter = CreateAdapter();
        adapter.OnTurnError = (turn, _) => turn.SendActivityAsync("Sorry");
        var http = Http(Message);

        await adapter.ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            await turn.SendActivityAsync("half a turn");
            throw new InvalidOperationException("bug");
        }));

        Assert.Equal(["Sorry"], _sentTexts);
    }

    // The turn's state is saved; the connector refused the reply: OnTurnError hears the connector's exception (it
    // can log it and try to speak; here its apology fails too), the turn is not run again, and the caller gets a 500.
    [Fact]
    public async Task ProcessAsync_ConnectorFailsSendingHeldReplies_OnTurnErrorGetsItAndTheTurnIsNotRunAgain()
    {
        _connector.Setup(c => c.ReplyToActivityAsync(ServiceUrl, "a:conv", "act-1", It.IsAny<Activity>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, string, Activity, CancellationToken>((_, _, _, a, _) => _sentTexts.Add(a.Text))
            .ThrowsAsync(new HttpRequestException("connector down"));
        var adapter = CreateAdapter(maxTurnAttempts: 3);
        var errors = new List<Exception>();
        adapter.OnTurnError = async (turn, ex) =>
        {
            errors.Add(ex);
            await turn.SendActivityAsync("Sorry");
        };
        var runs = 0;
        var http = Http(Message);

        await adapter.ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            runs++;
            await turn.SendActivityAsync("answer");
        }));

        Assert.Equal(1, runs);
        Assert.Equal("connector down", Assert.Single(errors).Message);
        Assert.Equal(["answer", "Sorry"], _sentTexts);
        Assert.Equal(500, http.Response.StatusCode);
    }

    [Fact]
    public async Task ProcessAsync_RepliesOfACompletedTurn_AreSentInOrderAfterTheTurn()
    {
        AcceptReplies();
        var sentDuringTurn = -1;
        var http = Http(Message);

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            await turn.SendActivityAsync("one");
            await turn.SendActivitiesAsync([new Activity { Text = "two" }, new Activity { Text = "three" }]);
            sentDuringTurn = _sentTexts.Count;
        }));

        Assert.Equal(0, sentDuringTurn);
        Assert.Equal(["one", "two", "three"], _sentTexts);
    }

    [Fact]
    public async Task ProcessAsync_TypingIndicatorAndUpdates_AreNotHeldBack()
    {
        AcceptReplies();
        _connector.Setup(c => c.UpdateActivityAsync(ServiceUrl, "a:conv", "card-1", It.IsAny<Activity>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, string, Activity, CancellationToken>((_, _, _, a, _) => _sentTexts.Add("updated " + a.Text))
            .ReturnsAsync(new ResourceResponse("card-1"));
        var duringTurn = new List<string?>();
        var http = Http(Message);

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            await turn.SendActivityAsync(new Activity { Type = ActivityTypes.Typing });
            await turn.UpdateActivityAsync(new Activity { Id = "card-1", Text = "card" });
            await turn.SendActivityAsync("answer");
            duringTurn.AddRange(_sentTexts);
        }));

        Assert.Equal(["(typing)", "updated card"], duringTurn);
        Assert.Equal(["(typing)", "updated card", "answer"], _sentTexts);
    }

    [Fact]
    public async Task ProcessAsync_OneAttemptConfigured_RepliesGoOutDuringTheTurnAndAConflictGoesToOnTurnError()
    {
        AcceptReplies();
        var adapter = CreateAdapter(maxTurnAttempts: 1);
        Exception? error = null;
        adapter.OnTurnError = (_, ex) =>
        {
            error = ex;
            return Task.CompletedTask;
        };
        ResourceResponse? response = null;
        var http = Http(Message);

        await adapter.ProcessAsync(http.Request, http.Response, new TestBot(async turn =>
        {
            _turns++;
            response = await turn.SendActivityAsync("sent at once");
            throw new StorageConcurrencyException("k");
        }));

        Assert.Equal(1, _turns);
        Assert.Equal("r-1", response!.Id);
        Assert.Equal(["sent at once"], _sentTexts);
        Assert.IsType<StorageConcurrencyException>(error);
    }

    /// <summary>
    /// Two turns of one conversation at once, each incrementing a counter in conversation state from the same
    /// version: the second writer meets the conflict, runs again on the first one's state, and both increments count.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_TwoTurnsOfOneConversationAtOnce_NoLostUpdateAndEachTurnAnsweredOnce()
    {
        var state = new ConversationState(new MemoryStorage());
        var counter = state.CreateProperty<int[]>("counter");
        var bothRead = new Barrier(2);
        var bot = new TestBot(async turn =>
        {
            var value = await counter.GetAsync(turn, () => [0]);
            if ((int)turn.TurnState[CloudAdapter.TurnAttemptKey] == 1)
            {
                // Both turns hold the same version before either writes.
                await Task.Run(() => Assert.True(bothRead.SignalAndWait(TimeSpan.FromSeconds(30))));
            }

            value[0]++;
            await turn.SendActivityAsync($"counter {value[0]}");
            await state.SaveChangesAsync(turn);
        });
        var adapter = CreateAdapter();
        var first = Http(ExpectRepliesMessage.Replace("act-1", "act-A"));
        var second = Http(ExpectRepliesMessage.Replace("act-1", "act-B"));

        await Task.WhenAll(
            Task.Run(() => adapter.ProcessAsync(first.Request, first.Response, bot)),
            Task.Run(() => adapter.ProcessAsync(second.Request, second.Response, bot)));

        var replies = new[] { first, second }
            .Select(h => JsonSerializer.Deserialize<ExpectedReplies>(ResponseBody(h), ProtocolJson.Options)!.Activities.Single().Text)
            .Order()
            .ToList();
        Assert.Equal(["counter 1", "counter 2"], replies);
        Assert.Equal(2, (await counter.GetAsync(new TurnContext(adapter, JsonSerializer.Deserialize<Activity>(Message, ProtocolJson.Options)!)))[0]);
    }

    [Theory]
    [InlineData("NUL in conversation.id", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"u"},"conversation":{"id":"a:\u0000x"},"text":"hi"}""")]
    [InlineData("line break in from.id", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"u\nx"},"conversation":{"id":"c"},"text":"hi"}""")]
    [InlineData("NUL in the activity id", """{"type":"message","id":"1\u0000","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"u"},"conversation":{"id":"c"},"text":"hi"}""")]
    [InlineData("no conversation", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","from":{"id":"u"},"text":"hi"}""")]
    [InlineData("empty conversation id", """{"type":"conversationUpdate","id":"1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","conversation":{"id":" "}}""")]
    [InlineData("message without from", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","conversation":{"id":"c"},"text":"hi"}""")]
    [InlineData("invoke without channelId", """{"type":"invoke","name":"adaptiveCard/action","from":{"id":"u"},"conversation":{"id":"c"}}""")]
    [InlineData("message without serviceUrl", """{"type":"message","id":"1","channelId":"msteams","from":{"id":"u"},"conversation":{"id":"c"},"text":"hi"}""")]
    [InlineData("serviceUrl not a URL", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"not a url","from":{"id":"u"},"conversation":{"id":"c"},"text":"hi"}""")]
    [InlineData("serviceUrl not http", """{"type":"message","id":"1","channelId":"msteams","serviceUrl":"file:///etc/passwd","from":{"id":"u"},"conversation":{"id":"c"},"text":"hi"}""")]
    public async Task ProcessAsync_ActivityUnusableForATurn_Returns400WithoutRunningBot(string defect, string body)
    {
        var http = Http(body);

        await CreateAdapter().ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.True(http.Response.StatusCode == 400, defect);
        Assert.StartsWith("application/problem+json", http.Response.ContentType);
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_ExpectRepliesMessageWithoutServiceUrl_RunsTheBot()
    {
        var http = Http("""{"type":"message","id":"1","channelId":"msteams","deliveryMode":"expectReplies","from":{"id":"u"},"conversation":{"id":"c"},"text":"hi"}""");

        await CreateAdapter().ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal(1, _turns);
    }

    /// <summary>Records the text of every reply and post through the connector; a typing indicator is "(typing)".</summary>
    private void AcceptReplies()
    {
        _connector.Setup(c => c.ReplyToActivityAsync(ServiceUrl, "a:conv", "act-1", It.IsAny<Activity>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, string, Activity, CancellationToken>((_, _, _, a, _) => _sentTexts.Add(a.Type == ActivityTypes.Typing ? "(typing)" : a.Text))
            .ReturnsAsync(new ResourceResponse("r-1"));
    }
}
