using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TriageBot.Tests;

/// <summary>The real app, booted in memory with in-memory state and auth off.</summary>
public sealed class BotEndpointTests(BotEndpointTests.App app) : IClassFixture<BotEndpointTests.App>
{
    public sealed class App : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "Memory");
            builder.UseSetting("MicrosoftAppId", "");
        }
    }

    // Every message gets an id of its own (the same id again in a conversation is a redelivery, and ignored).
    private static object Message(string text, string conversation = "conv-1", string? id = null) => new
    {
        type = "message",
        id = id ?? Guid.NewGuid().ToString("N"),
        text,
        channelId = "msteams",
        serviceUrl = "http://127.0.0.1:9/",
        from = new { id = "29:user", name = "Ada" },
        recipient = new { id = "28:bot", name = "TriageBot" },
        conversation = new { id = conversation, conversationType = "personal" },
        deliveryMode = "expectReplies",
    };

    private async Task<JsonElement> Post(object activity)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/messages", activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities");
    }

    [Fact]
    public async Task Healthz_Running_IsHealthy()
    {
        var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Message_ExpectReplies_AnswersWithTheDocumentedErrorInTheBody()
    {
        var replies = await Post(Message("hi, skype keeps saying Server is temporarily unavailable", id: "act-1"));

        var reply = Assert.Single(replies.EnumerateArray());
        Assert.Contains("Server is temporarily unavailable", reply.GetRawText());
        Assert.Equal("application/vnd.microsoft.card.adaptive", reply.GetProperty("attachments")[0].GetProperty("contentType").GetString());
        Assert.Equal("act-1", reply.GetProperty("replyToId").GetString());
        Assert.Equal("conv-1", reply.GetProperty("conversation").GetProperty("id").GetString());
        Assert.Equal("28:bot", reply.GetProperty("from").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Message_BotMention_IsRemovedBeforeMatching()
    {
        var activity = new
        {
            type = "message",
            id = "act-2",
            text = "<at>TriageBot</at> User is not SIP enabled",
            channelId = "msteams",
            serviceUrl = "http://127.0.0.1:9/",
            from = new { id = "29:user" },
            recipient = new { id = "28:bot", name = "TriageBot" },
            conversation = new { id = "19:channel;messageid=1", conversationType = "channel" },
            entities = new[] { new { type = "mention", text = "<at>TriageBot</at>", mentioned = new { id = "28:bot", name = "TriageBot" } } },
            deliveryMode = "expectReplies",
        };

        var reply = (await Post(activity)).EnumerateArray().Single();

        Assert.Contains("User is not SIP enabled", reply.GetRawText());
    }

    [Fact]
    public async Task Message_OffTopic_SaysSoAndOffersAHuman()
    {
        var reply = (await Post(Message("my printer is jammed"))).EnumerateArray().Single();

        Assert.Contains("Talk to the helpdesk", reply.GetRawText());
    }

    [Fact]
    public async Task Message_Empty_AsksForTheErrorText()
    {
        var reply = (await Post(Message("   "))).EnumerateArray().Single();

        Assert.Contains("Paste the error text", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ConversationUpdate_BotAdded_Welcomes()
    {
        var activity = new
        {
            type = "conversationUpdate",
            id = "act-3",
            channelId = "msteams",
            serviceUrl = "http://127.0.0.1:9/",
            from = new { id = "29:user" },
            recipient = new { id = "28:bot" },
            conversation = new { id = "conv-w" },
            membersAdded = new[] { new { id = "28:bot" } },
            deliveryMode = "expectReplies",
        };

        var reply = (await Post(activity)).EnumerateArray().Single();

        Assert.Contains("TriageBot", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_MalformedJson_Is400ProblemDetails()
    {
        var response = await app.CreateClient().PostAsync("/api/messages", new StringContent("{\"type\": \"message\",", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_OversizeBody_Is413()
    {
        var huge = JsonSerializer.Serialize(Message(new string('x', 400_000)));

        var response = await app.CreateClient().PostAsync("/api/messages", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnknownActivityType_Is200AndIgnored()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/messages", new { type = "somethingNew", id = "x", conversation = new { id = "c" }, channelId = "msteams", serviceUrl = "http://127.0.0.1:9/" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnhandledInvoke_Is501()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/messages", new { type = "invoke", name = "nobody/handles", id = "x", conversation = new { id = "c" }, channelId = "msteams", serviceUrl = "http://127.0.0.1:9/", from = new { id = "u" }, recipient = new { id = "b" } });

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task Get_Messages_Is405()
    {
        var response = await app.CreateClient().GetAsync("/api/messages");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
