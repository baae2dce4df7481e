using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>
/// Periodically deletes expired items (old conversations) from an <see cref="IExpiringStorage"/>. Several
/// instances on one shared database may all run it: a purge only deletes what has expired anyway.
/// </summary>
public sealed class StoragePurgeService(
    IExpiringStorage storage,
    IOptions<StoragePurgeOptions> options,
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

/// <summary>Registration of <see cref="StoragePurgeService"/>, shared by the persistent providers.</summary>
internal static class StoragePurgeRegistration
{
    public static IServiceCollection AddStoragePurge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoragePurgeOptions>()
            .Bind(configuration.GetSection("Storage"))
            .Validate(o => o.PurgeInterval > TimeSpan.Zero, "Storage:PurgeInterval must be positive.")
            .ValidateOnStart();
        services.AddHostedService<StoragePurgeService>();
        return services;
    }
}
