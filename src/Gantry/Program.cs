using Gantry.Cli;

return await GantryCli.RunAsync(args);
