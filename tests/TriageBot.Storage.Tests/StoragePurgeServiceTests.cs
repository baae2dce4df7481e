using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage.Tests;

public class StoragePurgeServiceTests
{
    [Fact]
    public async Task ExecuteAsync_EachInterval_PurgesWithCurrentTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var calls = new List<DateTimeOffset>();
        var purged = new SemaphoreSlim(0);
        var storage = new Mock<IExpiringStorage>();
        storage.Setup(s => s.PurgeExpiredAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback<DateTimeOffset, CancellationToken>((now, _) =>
            {
                calls.Add(now);
                purged.Release();
            })
            .ReturnsAsync(1);
        using var service = new StoragePurgeService(storage.Object, Options.Create(new StoragePurgeOptions { PurgeInterval = TimeSpan.FromHours(1) }), time, NullLogger<StoragePurgeService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await purged.WaitAsync();
        time.Advance(TimeSpan.FromHours(1));
        await purged.WaitAsync();
        await service.StopAsync(CancellationToken.None);

        Assert.Equal([time.Start, time.Start.AddHours(1)], calls);
    }
}
