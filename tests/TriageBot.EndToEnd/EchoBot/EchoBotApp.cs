using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.EndToEnd.EchoBot;

/// <summary>
/// The smallest bot that speaks the protocol, to prove the harness: messages are echoed through the connector
/// ("card" gets an Adaptive Card, an Action.Submit gets its value back), two invokes are answered, the rest is 200.
/// The reply prefix comes from configuration key EchoBot:Prefix (env EchoBot__Prefix) so a test can see that
/// environment variables reach a bot started as a process.
/// </summary>
public static class EchoBotApp
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpClient();
        var app = builder.Build();
        app.MapGet("/healthz", () => "ok");
        app.MapPost("/api/messages", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, IHttpClientFactory httpClients, IConfiguration configuration)
    {
        var activity = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        var type = activity?["type"]?.GetValue<string>();
        if (activity is null || type is null)
        {
            return Results.BadRequest();
        }

        switch (type)
        {
            case "message":
                var prefix = configuration["EchoBot:Prefix"] ?? "echo";
                var reply = BuildReply(activity, prefix);
                using (var client = httpClients.CreateClient())
                using (var response = await client.PostAsJsonAsync(ReplyUrl(activity), reply, context.RequestAborted))
                {
                    // Surface a connector rejection as the turn's status so the test sees it.
                    return response.IsSuccessStatusCode ? Results.Ok() : Results.StatusCode(StatusCodes.Status502BadGateway);
                }

            case "invoke":
                return Invoke(activity);
            default:
                return Results.Ok();
        }
    }

    private static JsonObject BuildReply(JsonObject activity, string prefix)
    {
        var reply = new JsonObject
        {
            ["type"] = "message",
            ["from"] = activity["recipient"]?.DeepClone(),
            ["recipient"] = activity["from"]?.DeepClone(),
            ["conversation"] = activity["conversation"]?.DeepClone(),
            ["replyToId"] = activity["id"]?.DeepClone(),
        };
        var text = activity["text"]?.GetValue<string>();
        if (activity["value"] is { } value)
        {
            reply["text"] = $"submitted: {value.ToJsonString()}";
        }
        else if (text == "card")
        {
            reply["attachments"] = new JsonArray(new JsonObject { ["contentType"] = AdaptiveCardContentType, ["content"] = Card() });
        }
        else
        {
            reply["text"] = $"{prefix}: {text}";
        }

        return reply;
    }

    private static JsonObject Card() => new()
    {
        ["type"] = "AdaptiveCard",
        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
        ["version"] = "1.5",
        ["body"] = new JsonArray(
            new JsonObject { ["type"] = "TextBlock", ["text"] = "Echo card", ["wrap"] = true },
            new JsonObject { ["type"] = "Input.Text", ["id"] = "notes", ["placeholder"] = "Notes" }),
        ["actions"] = new JsonArray(
            new JsonObject { ["type"] = "Action.Submit", ["title"] = "Approve", ["data"] = new JsonObject { ["action"] = "approve" } },
            new JsonObject { ["type"] = "Action.Execute", ["title"] = "Confirm", ["verb"] = "confirm", ["data"] = new JsonObject() }),
    };

    private static IResult Invoke(JsonObject activity)
    {
        var name = activity["name"]?.GetValue<string>();
        var value = activity["value"];
        switch (name)
        {
            case "adaptiveCard/action":
                var verb = value?["action"]?["verb"]?.GetValue<string>();
                return Results.Json(new JsonObject
                {
                    ["statusCode"] = 200,
                    ["type"] = "application/vnd.microsoft.activity.message",
                    ["value"] = $"executed {verb}",
                });
            case "composeExtension/query":
                var query = value?["parameters"]?[0]?["value"]?.GetValue<string>();
                var preview = new JsonObject { ["title"] = $"result for {query}" };
                return Results.Json(new JsonObject
                {
                    ["composeExtension"] = new JsonObject
                    {
                        ["type"] = "result",
                        ["attachmentLayout"] = "list",
                        ["attachments"] = new JsonArray(new JsonObject
                        {
                            ["contentType"] = "application/vnd.microsoft.card.thumbnail",
                            ["content"] = preview.DeepClone(),
                            ["preview"] = new JsonObject { ["contentType"] = "application/vnd.microsoft.card.thumbnail", ["content"] = preview },
                        }),
                    },
                });
            default:
                return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }
    }

    /// <summary>{serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}, ids escaped: Teams thread ids
    /// contain ';' and other ids may contain ':' or '/'.</summary>
    private static Uri ReplyUrl(JsonObject activity)
    {
        var serviceUrl = activity["serviceUrl"]!.GetValue<string>().TrimEnd('/');
        var conversationId = Uri.EscapeDataString(activity["conversation"]!["id"]!.GetValue<string>());
        var activityId = Uri.EscapeDataString(activity["id"]!.GetValue<string>());
        return new Uri($"{serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}");
    }
}

/// <summary>The echo bot hosted inside the test process on 127.0.0.1 with a port Kestrel picks.</summary>
public sealed class EchoBotHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBotHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string MessagesEndpoint => new Uri(BaseAddress, "api/messages").ToString();

    public static async Task<EchoBotHost> StartAsync()
    {
        var app = EchoBotApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new EchoBotHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
