using TriageBot.Cli;

if (CommandLine.IsVerb(args))
{
    return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = KnowledgeLocator.ContentRoot() });
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
await app.RunAsync();
return 0;

public partial class Program;
