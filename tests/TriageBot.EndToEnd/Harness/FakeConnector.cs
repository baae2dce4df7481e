using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.EndToEnd.Harness;

/// <summary>
/// A Bot Framework connector (the service behind a serviceUrl) on 127.0.0.1, for bots running as processes: it
/// records every call and answers like Teams does, except that while <see cref="FailNewConversations"/> is set,
/// <c>POST v3/conversations</c> (a new thread in a channel: how tickets reach the helpdesk) fails, alternately with
/// 500 and 429. Disposing stops it.
/// </summary>
public sealed class FakeConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ConnectorCall> _calls = new();
    private int _threads;
    private int _refusals;

    private FakeConnector(WebApplication app) => _app = app;

    /// <summary>The serviceUrl to give the bot, ending in '/'.</summary>
    public string ServiceUrl { get; private set; } = "";

    /// <summary>Whether <c>POST v3/conversations</c> fails (500, 429, 500, ...).</summary>
    public volatile bool FailNewConversations;

    /// <summary>Every call so far, in order of arrival.</summary>
    public IReadOnlyList<ConnectorCall> Calls => [.. _calls];

    /// <summary>How many <c>POST v3/conversations</c> were refused.</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    public static async Task<FakeConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var connector = new FakeConnector(app);
        app.MapPost("/v3/conversations", connector.CreateConversationAsync);
        app.MapPost("/v3/conversations/{conversationId}/activities/{activityId?}", (HttpContext http, string conversationId) =>
            connector.RecordAsync(http, conversationId, StatusCodes.Status201Created, new { id = "reply-" + Guid.NewGuid().ToString("N")[..8] }));
        app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", (HttpContext http, string conversationId, string activityId) =>
            connector.RecordAsync(http, conversationId, StatusCodes.Status200OK, new { id = activityId }));
        app.MapGet("/v3/conversations/{conversationId}/members/{memberId}", (HttpContext http, string conversationId) =>
            connector.RecordAsync(http, conversationId, StatusCodes.Status404NotFound, new { error = new { code = "MemberNotFound" } }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
        connector.ServiceUrl = address.TrimEnd('/') + "/";
        return connector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CreateConversationAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        if (FailNewConversations)
        {
            var status = Interlocked.Increment(ref _refusals) % 2 == 1 ? StatusCodes.Status500InternalServerError : StatusCodes.Status429TooManyRequests;
            _calls.Enqueue(new ConnectorCall("POST", http.Request.Path, null, body, status));
            http.Response.StatusCode = status;
            return;
        }

        var number = Interlocked.Increment(ref _threads);
        var conversationId = $"19:helpdesk@thread.tacv2;messageid={number}";
        _calls.Enqueue(new ConnectorCall("POST", http.Request.Path, conversationId, body, StatusCodes.Status201Created));
        http.Response.StatusCode = StatusCodes.Status201Created;
        await http.Response.WriteAsJsonAsync(new { id = conversationId, activityId = number.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private async Task RecordAsync(HttpContext http, string conversationId, int status, object answer)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        _calls.Enqueue(new ConnectorCall(http.Request.Method, http.Request.Path, conversationId, body, status));
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(answer);
    }
}

/// <summary>One call the fake connector received, and the status it answered.</summary>
public sealed record ConnectorCall(string Method, string Path, string? ConversationId, string Body, int Status);
