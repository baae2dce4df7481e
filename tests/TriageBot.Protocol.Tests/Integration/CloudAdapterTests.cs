using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using TriageBot.Protocol.Authentication;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Integration;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Integration;

public partial class CloudAdapterTests
{
    private const string ServiceUrl = "http://localhost:56150/_connector";
    private const string Message = """
        {"type":"message","id":"act-1","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector",
         "from":{"id":"29:user"},"recipient":{"id":"28:bot"},"conversation":{"id":"a:conv"},"text":"hi","locale":"de-DE"}
        """;

    private readonly Mock<IConnectorClient> _connector = new(MockBehavior.Strict);
    private int _turns;

    [Fact]
    public async Task ProcessAsync_Get_Returns405WithoutRunningBot()
    {
        var http = Http(Message, method: "GET");

        await CreateAdapter().ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(405, http.Response.StatusCode);
        Assert.Equal("POST", http.Response.Headers.Allow.ToString());
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_ContentLengthOverLimit_Returns413()
    {
        var http = Http(Message);

        await CreateAdapter(maxBodyBytes: 100).ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(413, http.Response.StatusCode);
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_ChunkedBodyOverLimit_Returns413()
    {
        var http = Http(Message);
        http.Request.ContentLength = null;

        await CreateAdapter(maxBodyBytes: 100).ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(413, http.Response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"text":"no type"}""")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    public async Task ProcessAsync_MalformedOrUntypedBody_Returns400ProblemDetails(string body)
    {
        var http = Http(body);

        await CreateAdapter().ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(400, http.Response.StatusCode);
        Assert.StartsWith("application/problem+json", http.Response.ContentType);
        var problem = JsonNode.Parse(ResponseBody(http))!;
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.DoesNotContain(" at ", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_AuthEnabledWithoutHeader_Returns401()
    {
        var http = Http(Message);

        await CreateAdapter(appId: "bot-app").ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_MetadataUnreachable_Returns503WithoutRunningBot()
    {
        var http = Http(Message);
        http.Request.Headers.Authorization = "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2ln";

        await CreateAdapter(appId: "bot-app").ProcessAsync(http.Request, http.Response, CountingBot());

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal(0, _turns);
    }

    [Fact]
    public async Task ProcessAsync_ExpectReplies_ReturnsRepliesInBodyWithoutConnector()
    {
        var http = Http(Message.Replace("\"text\":\"hi\"", "\"text\":\"hi\",\"deliveryMode\":\"expectReplies\""));
        var bot = new TestBot(async turn =>
        {
            await turn.SendActivityAsync("one");
            await turn.SendActivityAsync("two");
        });

        await CreateAdapter().ProcessAsync(http.Request, http.Response, bot);

        Assert.Equal(200, http.Response.StatusCode);
        var replies = JsonSerializer.Deserialize<ExpectedReplies>(ResponseBody(http), ProtocolJson.Options)!;
        Assert.Equal(["one", "two"], replies.Activities.Select(a => a.Text));
        var first = replies.Activities[0];
        Assert.Equal(("28:bot", "29:user", "a:conv", "act-1"), (first.From!.Id, first.Recipient!.Id, first.Conversation!.Id, first.ReplyToId));
        Assert.Null(first.Id);
        _connector.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ProcessAsync_HandledInvoke_ReturnsInvokeStatusAndRawBody()
    {
        var http = Http("""{"type":"invoke","name":"adaptiveCard/action","channelId":"msteams","serviceUrl":"http://localhost:56150/_connector","conversation":{"id":"c"},"from":{"id":"u"},"recipient":{"id":"b"}}""");
        var bot = new InvokeBot(new InvokeResponse
        {
            Status = 200,
            Body = new { statusCode = 200, type = "application/vnd.microsoft.activity.message", value = "done" },
        });

        await CreateAdapter().ProcessAsync(http.Request, http.Response, bot);

        Assert.Equal(200, http.Response.StatusCode);
        var body = JsonNode.Parse(ResponseBody(http))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"done"}"""), body), body.ToJsonString());
    }

    [Fact]
    public async Task ProcessAsync_InvokeWithErrorStatus_ReturnsThatStatus()
    {
        var http = Http("""{"type":"invoke","name":"composeExtension/query","channelId":"msteams","conversation":{"id":"c"},"from":{"id":"u"}}""");

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new InvokeBot(new InvokeResponse { Status = 400 }));

        Assert.Equal(400, http.Response.StatusCode);
        Assert.Equal(string.Empty, ResponseBody(http));
    }

    [Fact]
    public async Task ProcessAsync_UnhandledInvoke_Returns501()
    {
        var http = Http("""{"type":"invoke","name":"something/else","channelId":"msteams","conversation":{"id":"c"},"from":{"id":"u"}}""");

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new ActivityHandler());

        Assert.Equal(501, http.Response.StatusCode);
    }

    [Fact]
    public async Task ProcessAsync_UnknownActivityType_Returns200WithEmptyBody()
    {
        var http = Http("""{"type":"brandNewType","conversation":{"id":"c"},"whatever":{"x":1}}""");

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new ActivityHandler());

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal(string.Empty, ResponseBody(http));
    }

    // The reply goes out when the turn is over (a retried turn is never heard twice, see CloudAdapterRetryTests),
    // so during the turn SendActivityAsync cannot know the connector's id yet.
    [Fact]
    public async Task ProcessAsync_Message_RepliesThroughConnectorAfterTheTurnWithRoutingFromInbound()
    {
        Activity? sent = null;
        _connector.Setup(c => c.ReplyToActivityAsync(ServiceUrl, "a:conv", "act-1", It.IsAny<Activity>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, string, Activity, CancellationToken>((_, _, _, a, _) => sent = a)
            .ReturnsAsync(new ResourceResponse("r-1"));
        var http = Http(Message);
        ResourceResponse? response = null;

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new TestBot(async turn => response = await turn.SendActivityAsync("hello")));

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Null(response!.Id);
        Assert.Equal(("28:bot", "29:user", "msteams", "de-DE"), (sent!.From!.Id, sent.Recipient!.Id, sent.ChannelId, sent.Locale));
    }

    [Fact]
    public async Task ProcessAsync_TurnThrows_CallsOnTurnErrorWhichCanReply()
    {
        _connector.Setup(c => c.ReplyToActivityAsync(ServiceUrl, "a:conv", "act-1", It.Is<Activity>(a => a.Text == "Sorry"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResourceResponse("r-1"));
        var adapter = CreateAdapter();
        Exception? seen = null;
        adapter.OnTurnError = async (turn, ex) =>
        {
            seen = ex;
            await turn.SendActivityAsync("Sorry");
        };
        var http = Http(Message);

        await adapter.ProcessAsync(http.Request, http.Response, new TestBot(_ => throw new InvalidOperationException("boom")));

        Assert.Equal("boom", seen!.Message);
        Assert.Equal(200, http.Response.StatusCode);
        _connector.VerifyAll();
    }

    [Fact]
    public async Task ProcessAsync_TurnThrowsWithoutOnTurnError_Returns500WithoutDetails()
    {
        var http = Http(Message);

        await CreateAdapter().ProcessAsync(http.Request, http.Response, new TestBot(_ => throw new InvalidOperationException("secret detail")));

        Assert.Equal(500, http.Response.StatusCode);
        Assert.DoesNotContain("secret detail", ResponseBody(http), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContinueConversationAsync_StoredReference_PostsToConversation()
    {
        _connector.Setup(c => c.SendToConversationAsync(ServiceUrl, "a:conv", It.Is<Activity>(a => a.Text == "later" && a.From!.Id == "28:bot"), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ResourceResponse("r-2"));
        var reference = JsonSerializer.Deserialize<Activity>(Message, ProtocolJson.Options)!.GetConversationReference();
        string? turnActivityName = null;

        await CreateAdapter().ContinueConversationAsync(reference, async (turn, ct) =>
        {
            turnActivityName = turn.Activity.Name;
            await turn.SendActivityAsync("later", ct);
        });

        Assert.Equal(ActivityEventNames.ContinueConversation, turnActivityName);
        _connector.VerifyAll();
    }

    [Fact]
    public async Task CreateConversationAsync_ChannelPost_RunsCallbackInNewConversation()
    {
        var parameters = new ConversationParameters { IsGroup = true, Activity = new Activity { Type = "message", Text = "post" } };
        _connector.Setup(c => c.CreateConversationAsync(ServiceUrl, parameters, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ConversationResourceResponse { Id = "19:c;messageid=7", ActivityId = "7" });
        ConversationReference? reference = null;

        await CreateAdapter().CreateConversationAsync("msteams", ServiceUrl, parameters, (turn, _) =>
        {
            reference = turn.Activity.GetConversationReference();
            return Task.CompletedTask;
        });

        Assert.Equal(("19:c;messageid=7", ServiceUrl, "msteams"), (reference!.Conversation!.Id, reference.ServiceUrl, reference.ChannelId));
    }

    /// <summary>The adapter under test: auth off unless <paramref name="appId"/> is given; the limits as given, else the defaults.</summary>
    private CloudAdapter CreateAdapter(string? appId = null, long? maxBodyBytes = null, int? maxTurnAttempts = null)
    {
        var options = new BotFrameworkOptions();
        options.MaxRequestBodyBytes = maxBodyBytes ?? options.MaxRequestBodyBytes;
        options.MaxTurnAttempts = maxTurnAttempts ?? options.MaxTurnAttempts;
        var metadata = new FakeHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var authentication = new JwtTokenValidation(
            Options.Create(new BotFrameworkAuthenticationOptions { MicrosoftAppId = appId, MicrosoftAppPassword = "secret" }),
            new HttpClient(metadata),
            TimeProvider.System);
        return new CloudAdapter(
            authentication,
            _connector.Object,
            new TrustedServiceUrls(null, allowLoopback: appId is null),
            Options.Create(options),
            NullLogger<CloudAdapter>.Instance);
    }

    private TestBot CountingBot() => new(_ =>
    {
        _turns++;
        return Task.CompletedTask;
    });

    private static DefaultHttpContext Http(string body, string method = "POST")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string ResponseBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    private sealed class InvokeBot(InvokeResponse response) : ActivityHandler
    {
        protected override Task<InvokeResponse> OnInvokeActivityAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
            Task.FromResult(response);
    }
}
