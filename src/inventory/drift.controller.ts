import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { DriftService } from './drift.service';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/inventory/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Get()
  @Roles('admin', 'technician')
  @ApiOperation({ summary: 'Cameras whose device reports another model, firmware or serial than the inventory, with both values' })
  list() {
    return this.drift.list();
  }

  @Post(':code/accept')
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('inventory.drift.accept')
  @ApiOperation({ summary: "Takes the device's reported values into the inventory" })
  accept(@Param('code') code: string) {
    return this.drift.accept(code);
  }

  @Post(':code/keep')
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('inventory.drift.keep')
  @ApiOperation({ summary: 'Marks the inventory as right for what the device reports now' })
  keep(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.drift.keep(code, auth.name);
  }
}
