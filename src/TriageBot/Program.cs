using TriageBot;
using TriageBot.Cli;

if (CommandLine.IsVerb(args))
{
    return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error);
}

var contentRoot = KnowledgeLocator.ContentRoot();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
builder.Services.AddTriageBot(builder.Configuration, contentRoot);
var app = builder.Build();
app.MapTriageBot();
await app.RunAsync();
return 0;

public partial class Program;
