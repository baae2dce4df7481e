using System.Net;

namespace TriageBot.Protocol.Connector;

/// <summary>
/// Retries transient connector failures (429, 412, 408, 5xx and network errors) with exponential
/// backoff and full jitter, honouring Retry-After, up to <see cref="ConnectorClientOptions.MaxAttempts"/>.
/// Waits on the injected <see cref="TimeProvider"/> so tests control time.
/// </summary>
public sealed class RetryHandler : DelegatingHandler
{
    private readonly ConnectorClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">Attempts and delays.</param>
    /// <param name="timeProvider">Clock used for waiting and for Retry-After dates.</param>
    /// <param name="random">Returns a value in [0, 1) for jitter; <see cref="Random.Shared"/> when null.</param>
    public RetryHandler(ConnectorClientOptions options, TimeProvider timeProvider, Func<double>? random = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>True for status codes worth retrying.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout
        || (int)status >= 500;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(1, _options.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (attempt < maxAttempts)
            {
                await Task.Delay(Backoff(attempt), _timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!IsTransient(response.StatusCode) || attempt >= maxAttempts)
            {
                return response;
            }

            var delay = RetryAfter(response) ?? Backoff(attempt);
            if (delay > _options.MaxDelay)
            {
                // The server asks for a longer pause than we are willing to hold the turn for.
                return response;
            }

            response.Dispose();
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(_random() * ceiling);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
