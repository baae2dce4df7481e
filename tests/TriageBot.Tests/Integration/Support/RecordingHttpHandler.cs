using System.Net;
using System.Text;

namespace TriageBot.Tests.Integration.Support;

/// <summary>
/// Stands in for a remote HTTP service (the Bot Framework connector, an OpenID metadata endpoint):
/// records every request and answers from a script of one-shot responses, then from a fallback.
/// No network. Thread-safe, because the app calls it from request threads.
/// </summary>
internal sealed class RecordingHttpHandler : HttpMessageHandler
{
    private readonly object _gate = new();
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _defaultFallback;
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private Func<HttpRequestMessage, HttpResponseMessage> _fallback;

    public RecordingHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> fallback)
    {
        _defaultFallback = fallback;
        _fallback = fallback;
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Answers the next requests, one each, in order; later requests go to the fallback.</summary>
    public void Enqueue(params Func<HttpRequestMessage, HttpResponseMessage>[] responses)
    {
        lock (_gate)
        {
            foreach (var response in responses)
            {
                _script.Enqueue(response);
            }
        }
    }

    /// <summary>Answers every request not covered by <see cref="Enqueue"/>.</summary>
    public void SetFallback(Func<HttpRequestMessage, HttpResponseMessage> fallback)
    {
        lock (_gate)
        {
            _fallback = fallback;
        }
    }

    /// <summary>Forgets recorded requests and the script; restores the original fallback.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _script.Clear();
            _fallback = _defaultFallback;
        }
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Created(string id = "reply-1") => Json($$"""{"id":"{{id}}"}""", HttpStatusCode.Created);

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };

    /// <summary>What a client sees when nothing listens on the connector's port.</summary>
    public static HttpResponseMessage ConnectionRefused(HttpRequestMessage request) =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({request.RequestUri!.Authority})");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Func<HttpRequestMessage, HttpResponseMessage> respond;
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
            respond = _script.Count > 0 ? _script.Dequeue() : _fallback;
        }

        return respond(request);
    }
}

/// <summary>One request as the fake service received it.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body);
