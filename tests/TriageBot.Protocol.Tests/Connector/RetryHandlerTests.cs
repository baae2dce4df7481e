using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Connector;

// Time only moves when a test advances the FakeTimeProvider. Before each advance the test awaits
// WaitForTimerAsync: the handler has started its wait, so the advance cannot race the retry loop.
public class RetryHandlerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ObservableTimeProvider _timers;

    public RetryHandlerTests() => _timers = new ObservableTimeProvider(_time);
    private readonly ConnectorClientOptions _options = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_WaitsExactlyRetryAfterThenSucceeds()
    {
        var (handler, invoker) = Create(0.5, Status(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))), Status(HttpStatusCode.OK));

        var task = invoker.SendAsync(Request(), CancellationToken.None);
        await _timers.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.Single(handler.Requests);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(HttpStatusCode.OK, (await task).StatusCode);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("""{"text":"hi"}""", r.Body));
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterDate_WaitsUntilThatDate()
    {
        var until = _time.GetUtcNow().AddSeconds(4);
        var (handler, invoker) = Create(0.5, Status(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(until)), Status(HttpStatusCode.OK));

        var task = invoker.SendAsync(Request(), CancellationToken.None);
        await _timers.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.Single(handler.Requests);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(HttpStatusCode.OK, (await task).StatusCode);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_500ThenSuccess_RetriesAfterJitteredBackoff()
    {
        var (handler, invoker) = Create(0.5, Status(HttpStatusCode.InternalServerError), Status(HttpStatusCode.Created));

        var task = invoker.SendAsync(Request(), CancellationToken.None);
        await _timers.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Single(handler.Requests);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(HttpStatusCode.Created, (await task).StatusCode);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_AlwaysTransient_StopsAfterMaxAttemptsWithLastResponse()
    {
        var (handler, invoker) = Create(1.0, Status(HttpStatusCode.ServiceUnavailable), Status(HttpStatusCode.PreconditionFailed), Status(HttpStatusCode.RequestTimeout), Status(HttpStatusCode.OK));

        var task = invoker.SendAsync(Request(), CancellationToken.None);
        await _timers.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await _timers.WaitForTimerAsync();
        Assert.Equal(2, handler.Requests.Count);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.RequestTimeout, (await task).StatusCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_NotFound_DoesNotRetry()
    {
        var (handler, invoker) = Create(0.5, Status(HttpStatusCode.NotFound), Status(HttpStatusCode.OK));

        var response = await invoker.SendAsync(Request(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task SendAsync_RetryAfterBeyondMaxDelay_ReturnsResponseWithoutWaiting()
    {
        var (handler, invoker) = Create(0.5, Status(HttpStatusCode.TooManyRequests, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(5))), Status(HttpStatusCode.OK));

        var response = await invoker.SendAsync(Request(), CancellationToken.None);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task SendAsync_BackoffGrowsExponentially_CappedAtMaxDelay()
    {
        _options.MaxAttempts = 4;
        _options.MaxDelay = TimeSpan.FromSeconds(3);
        var (handler, invoker) = Create(1.0, Status(HttpStatusCode.BadGateway), Status(HttpStatusCode.BadGateway), Status(HttpStatusCode.BadGateway), Status(HttpStatusCode.OK));

        var task = invoker.SendAsync(Request(), CancellationToken.None);
        var countsAfterEachWait = new List<int>();
        foreach (var wait in new[] { 1, 2, 3 })
        {
            await _timers.WaitForTimerAsync();
            _time.Advance(TimeSpan.FromSeconds(wait) - TimeSpan.FromMilliseconds(1));
            countsAfterEachWait.Add(handler.Requests.Count);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal([1, 2, 3], countsAfterEachWait);
        Assert.Equal(HttpStatusCode.OK, (await task).StatusCode);
    }

    private (FakeHttpMessageHandler Handler, HttpMessageInvoker Invoker) Create(double random, params Func<HttpResponseMessage>[] responses)
    {
        var queue = new Queue<Func<HttpResponseMessage>>(responses);
        var fake = new FakeHttpMessageHandler(_ => queue.Dequeue()());
        var retry = new RetryHandler(_options, _timers, () => random) { InnerHandler = fake };
        return (fake, new HttpMessageInvoker(retry));
    }

    private static Func<HttpResponseMessage> Status(HttpStatusCode status, Action<HttpResponseMessage>? configure = null) => () =>
    {
        var response = new HttpResponseMessage(status);
        configure?.Invoke(response);
        return response;
    };

    private static HttpRequestMessage Request() => new(HttpMethod.Post, "https://smba.trafficmanager.net/amer/v3/conversations/c/activities")
    {
        Content = new StringContent("""{"text":"hi"}"""),
    };
}
