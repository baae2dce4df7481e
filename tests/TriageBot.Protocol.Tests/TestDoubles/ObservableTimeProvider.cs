using Microsoft.Extensions.Time.Testing;

namespace TriageBot.Protocol.Tests.TestDoubles;

/// <summary>
/// A <see cref="FakeTimeProvider"/> view that signals whenever code under test starts a timer, so a
/// test can wait for "the handler is now waiting" before advancing time, without sleeping.
/// </summary>
internal sealed class ObservableTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly SemaphoreSlim _timersCreated = new(0);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        _timersCreated.Release();
        return timer;
    }

    /// <summary>Completes once the next (not yet observed) timer has been created.</summary>
    public Task WaitForTimerAsync() => _timersCreated.WaitAsync();
}
