import Foundation

exit(await Tool.main(CommandLine.arguments).rawValue)
