using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Storage;

/// <summary>Registration of <see cref="PostgresStorage"/>.</summary>
public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresStorage"/> as the <see cref="IStorage"/> (replacing any other), binds
    /// <see cref="PostgresStorageOptions"/> from the <c>Storage</c> section (<c>Storage:ConnectionString</c>
    /// is required: a missing or malformed one stops start-up with a message naming the key) and starts
    /// <see cref="StoragePurgeService"/>.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPersistentStorage<PostgresStorage, PostgresStorageOptions>(configuration, (options, time) => new PostgresStorage(options, time));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        return services;
    }
}
