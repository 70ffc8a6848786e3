import { Module } from '@nestjs/common';
import { EmailNotifier } from './email.notifier';
import { NotifyController } from './notify.controller';
import { NotifyRepository } from './notify.repository';

/** Alert notifications by e-mail, per district and commune, with a digest. */
@Module({
  controllers: [NotifyController],
  providers: [EmailNotifier, NotifyRepository],
  exports: [EmailNotifier],
})
export class NotifyModule {}
