import Foundation

exit(await Tool.run(CommandLine.arguments).rawValue)
