using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>Periodically deletes expired items (old conversations) from an <see cref="IExpiringStorage"/>.</summary>
public sealed class StoragePurgeService(
    IExpiringStorage storage,
    IOptions<SqliteStorageOptions> options,
    TimeProvider timeProvider,
    ILogger<StoragePurgeService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, timeProvider);
        do
        {
            try
            {
                var purged = await storage.PurgeExpiredAsync(timeProvider.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    logger.LogInformation("Purged {Count} expired storage items", purged);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Purging expired storage items failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
