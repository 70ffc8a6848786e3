import { BadRequestException, Controller, Get, Header, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import 'multer'; // declares Express.Multer.File
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { CameraExportService } from './camera-export.service';
import { CameraImportService } from './camera-import.service';
import { ExportQueryDto } from './inventory.dto';

/** Import files larger than this are refused (a full province export is about 6 MB). */
export const IMPORT_FILE_LIMIT = 50 * 1024 * 1024;

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api')
export class ImportExportController {
  constructor(
    private readonly importer: CameraImportService,
    private readonly exporter: CameraExportService,
  ) {}

  @Post('import')
  @ApiOperation({ summary: 'Imports stations and cameras from CSV or GeoJSON: every row or none, with a report of each bad row' })
  @Roles('admin')
  @Audited('import.apply')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_FILE_LIMIT, files: 1 } }))
  import(@UploadedFile() file: Express.Multer.File | undefined, @Query('dry_run') dryRun?: string) {
    if (!file) throw new BadRequestException('upload the file as the multipart field "file" (CSV or GeoJSON)');
    if (dryRun !== undefined && !/^(true|false|1|0)$/.test(dryRun)) throw new BadRequestException(`dry_run must be true or false, got "${dryRun}"`);
    return this.importer.import(file.buffer, file.originalname, dryRun === 'true' || dryRun === '1');
  }

  @Get('export/cameras.csv')
  @ApiOperation({ summary: 'Every camera as CSV' })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('export.cameras')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="cameras.csv"')
  exportCsv(@Query() q: ExportQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.exporter.csv(q, auth);
  }

  @Get('export/cameras.geojson')
  @ApiOperation({ summary: 'Every camera as GeoJSON points' })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('export.cameras')
  @Header('Content-Type', 'application/geo+json; charset=utf-8')
  exportGeojson(@Query() q: ExportQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.exporter.geojson(q, auth);
  }
}
